namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// One version of <c>Mediation:Security:Rights</c>, never changed once made: a reload makes a new table with the next
/// <see cref="Generation"/>, and each <see cref="Caller"/> works out its grant again when it sees a newer one.
/// </summary>
public sealed class RightsTable
{
    private readonly Dictionary<string, TopicRightsSettings> _entries;

    public RightsTable(IReadOnlyDictionary<string, TopicRightsSettings> entries, long generation)
    {
        // Copied: the options object the table came from may be bound again.
        _entries = entries.ToDictionary(e => e.Key, e => new TopicRightsSettings
        {
            Publish = [.. e.Value.Publish],
            Subscribe = [.. e.Value.Subscribe],
            Address = [.. e.Value.Address],
        }, StringComparer.Ordinal);
        Generation = generation;
    }

    /// <summary>Counts the versions applied since start (0: the rights the server started with).</summary>
    public long Generation { get; }

    /// <summary>The entries by principal name, role, <c>*</c> or <c>anonymous</c>.</summary>
    public IReadOnlyDictionary<string, TopicRightsSettings> Entries => _entries;

    /// <summary>The union of the entries named <paramref name="keys"/>; every right when the table has no entry at all.</summary>
    internal RightsGrant Grant(IEnumerable<string> keys)
    {
        if (_entries.Count == 0) return new RightsGrant(Generation, null, null, null);
        var publish = new List<string>();
        var subscribe = new List<string>();
        var address = new List<string>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (!_entries.TryGetValue(key, out var rights)) continue;
            publish.AddRange(rights.Publish);
            subscribe.AddRange(rights.Subscribe);
            address.AddRange(rights.Address);
        }
        return new RightsGrant(Generation, publish, subscribe, address);
    }

    /// <summary>Whether <paramref name="entries"/> say the same as this table (a reload that changed something else).</summary>
    public bool Says(IReadOnlyDictionary<string, TopicRightsSettings> entries) => Canonical(_entries) == Canonical(entries);

    private static string Canonical(IReadOnlyDictionary<string, TopicRightsSettings> entries) =>
        string.Join("\n", entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e =>
            $"{e.Key}\0{string.Join('\0', e.Value.Publish)}\u0001{string.Join('\0', e.Value.Subscribe)}\u0001{string.Join('\0', e.Value.Address)}"));
}

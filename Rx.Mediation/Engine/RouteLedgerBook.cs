using Rx.Mediation.Routing;

namespace Rx.Mediation.Engine;

/// <summary>
/// Per route name, what the instances a reload replaced have counted, so that a name's totals never go down when its
/// instance changes. Not thread-safe: the engine guards it with the lock it also swaps its routes under, so that a
/// reader sees each instance exactly once, as running, as retired, or folded.
/// <para>
/// A replaced instance stays readable (its counters only, see <see cref="RouteLedger"/>) while it drains and after;
/// it is folded into its name's sum when the next instance of that name is replaced. Reloads run one at a time and
/// each waits for its replaced routes to drain, so by then the older instance was disposed a whole reload ago and
/// counts nothing more. Memory stays one entry per name ever run, whatever the number of reloads.
/// </para>
/// </summary>
internal sealed class RouteLedgerBook
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes over the ledger of <paramref name="route"/>, which just left the running set.</summary>
    public void Retire(RouteRuntime route)
    {
        if (!_entries.TryGetValue(route.Name, out var entry)) _entries[route.Name] = entry = new Entry();
        if (entry.Retired is { } older) entry.Folded.Add(older);
        entry.Retired = route.Ledger;
    }

    /// <summary>Totals for the running routes, in their order, then for the names no route runs any longer.</summary>
    public IReadOnlyList<RouteTotal> Totals(IReadOnlyList<RouteRuntime> running)
    {
        var totals = new List<RouteTotal>(running.Count + _entries.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in running)
        {
            var tally = new RouteTally();
            if (_entries.TryGetValue(route.Name, out var entry)) entry.AddTo(tally);
            tally.Add(route.Ledger);
            totals.Add(tally.ToTotal(route.Name, running: true));
            names.Add(route.Name);
        }
        foreach (var (name, entry) in _entries)
        {
            if (names.Contains(name)) continue;
            var tally = new RouteTally();
            entry.AddTo(tally);
            totals.Add(tally.ToTotal(name, running: false));
        }
        return totals;
    }

    private sealed class Entry
    {
        public RouteTally Folded { get; } = new();

        public RouteLedger? Retired { get; set; }

        public void AddTo(RouteTally tally)
        {
            tally.Add(Folded);
            if (Retired is not null) tally.Add(Retired);
        }
    }
}

using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Which parts of the file's <c>server:</c> section follow reloads: <c>packet-log</c> and <c>security: rights</c>. The
/// rest is read at start, so a change to it is refused until a restart; <see cref="RestartOnly"/> is what a reload
/// compares for that.
/// </summary>
public static class ServerSections
{
    /// <summary>The paths under <c>server:</c> that follow reloads, as the file writes them.</summary>
    public static readonly IReadOnlyList<string[]> FollowingReloads = [["packet-log"], ["security", "rights"]];

    /// <summary>The <c>server:</c> mapping without the parts that follow reloads (the same node when it has none).</summary>
    public static YamlMappingNode RestartOnly(YamlMappingNode server) =>
        FollowingReloads.Aggregate(server, (node, path) => Without(node, path));

    private static YamlMappingNode Without(YamlMappingNode node, ReadOnlySpan<string> path)
    {
        var key = path[0];
        var found = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var name } && name == key);
        if (found.Key is null) return node;
        var copy = new YamlMappingNode();
        foreach (var (k, v) in node.Children)
        {
            if (!ReferenceEquals(k, found.Key)) copy.Add(k, v);
            // A mapping left empty is as if it were not written: adding rights to a file without security: changes nothing else.
            else if (path.Length > 1 && v is YamlMappingNode inner && Without(inner, path[1..]) is { Children.Count: > 0 } rest) copy.Add(k, rest);
        }
        return copy;
    }
}

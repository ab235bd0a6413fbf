using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// Reads the <c>routes:</c> list into route definitions. Each route is fingerprinted by its canonical YAML, so a
/// reload keeps every route whose text did not change (its subscriptions, bridge and operator state).
/// </summary>
public static class RouteConfigReader
{
    public static readonly IReadOnlyList<string> RouteKeys = ["name", "from", "pipeline", "to", "bridge", "lifecycle"];

    public static readonly IReadOnlyList<string> BridgeKeys = ["capacity", "max-bytes", "full", "backpressure-timeout", "retry-after"];

    public static IReadOnlyList<ConfiguredRoute> Read(YamlNode routes, ConfigDiagnostics diagnostics)
    {
        if (routes is not YamlSequenceNode list)
        {
            diagnostics.Error(routes, $"'routes' must be a list of routes, each starting with '- name:' ({YamlMap.Kind(routes)} found)");
            return [];
        }
        var result = new List<ConfiguredRoute>();
        var seen = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode mapping)
            {
                diagnostics.Error(item, $"a route must be a mapping with name, from, pipeline, to ({YamlMap.Kind(item)} found)");
                continue;
            }
            var route = ReadRoute(mapping, diagnostics);
            if (route is null) continue;
            if (seen.TryGetValue(route.Name, out var first))
            {
                diagnostics.Error(route.Location, $"route '{route.Name}': duplicate route name (first defined at {first.Line}:{first.Column})");
                continue;
            }
            seen[route.Name] = route.Location;
            result.Add(route);
        }
        return result;
    }

    /// <summary>Reports every source or target that is not one of <paramref name="known"/>, at the line that names it.</summary>
    public static void CheckNodes(IEnumerable<ConfiguredRoute> routes, IReadOnlyCollection<string> known, ConfigDiagnostics diagnostics)
    {
        var list = known.Count == 0 ? "none are declared" : "known entrypoints and endpoints: " + string.Join(", ", known.Order(StringComparer.Ordinal));
        foreach (var route in routes)
        {
            foreach (var node in route.Nodes.Where(n => !known.Contains(n.Name)))
            {
                var role = node.Role == NodeRole.Source ? "source" : "target";
                diagnostics.Error(node.Location, $"route '{route.Name}': unknown {role} '{node.Name}' ({list})");
            }
        }
    }

    private static ConfiguredRoute? ReadRoute(YamlMappingNode node, ConfigDiagnostics diagnostics)
    {
        var nameNode = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "name" }).Value;
        var provisional = nameNode is YamlScalarNode { Value: { Length: > 0 } n } ? n : $"(route at line {node.Start.Line})";
        var map = new YamlMap(node, diagnostics, $"route '{provisional}'", RouteKeys);
        var name = map.String("name", required: true);
        if (name is not null && string.IsNullOrWhiteSpace(name)) diagnostics.Error(map.Get("name") ?? node, "a route name must not be blank");

        var nodes = new List<NodeReference>();
        var what = $"route '{provisional}': 'from'";
        var sources = map.List("from", required: true)
            .Select(s => OperatorContext.ParseSource(s, diagnostics, what, nodes)).OfType<SourceBinding>().ToList();
        var stages = new List<RouteStage>();
        if (map.Get("pipeline") is { } pipeline)
        {
            if (pipeline is YamlSequenceNode steps)
            {
                foreach (var step in steps.Children) stages.AddRange(PipelineOperators.Build(step, provisional, diagnostics, nodes));
            }
            else
            {
                diagnostics.Error(pipeline, $"route '{provisional}': 'pipeline' must be a list of steps such as '- where: ...' ({YamlMap.Kind(pipeline)} found)");
            }
        }
        var targets = map.List("to", required: true);
        foreach (var target in targets) nodes.Add(new NodeReference(target.Value!, diagnostics.At(target), NodeRole.Target));
        var bridge = ReadBridge(map, provisional, diagnostics);
        var lifecycle = map.Bool("lifecycle") ?? false;

        if (string.IsNullOrWhiteSpace(name)) return null;
        var definition = new RouteDefinition
        {
            Name = name,
            Sources = sources,
            Stages = stages,
            Targets = [.. targets.Select(t => t.Value!)],
            Bridge = bridge,
            IncludeLifecycle = lifecycle,
            Fingerprint = YamlCanonical.Fingerprint(node),
        };
        return new ConfiguredRoute(definition, diagnostics.At(node), nodes);
    }

    private static BridgeOptions ReadBridge(YamlMap route, string name, ConfigDiagnostics diagnostics)
    {
        var map = route.Map("bridge", BridgeKeys);
        if (map is null) return BridgeOptions.Default;
        var bridge = BridgeOptions.Default;
        if (map.Int("capacity", 1) is { } capacity) bridge = bridge with { Capacity = capacity };
        if (map.ByteSize("max-bytes", 1) is { } maxBytes) bridge = bridge with { MaxBytes = maxBytes };
        if (map.String("full") is { } full)
        {
            if (OverflowStrategyNames.TryParse(full, out var strategy)) bridge = bridge with { Overflow = strategy };
            else diagnostics.Error(map.Get("full")!, $"route '{name}': bridge 'full': unknown mode '{full}' (use drop-oldest, drop-newest, drop-new, drop-buffer, backpressure or fail)");
        }
        if (map.Duration("backpressure-timeout") is { } timeout) bridge = bridge with { BackpressureTimeout = timeout };
        if (map.Duration("retry-after") is { } retry) bridge = bridge with { RetryAfter = retry };
        return bridge;
    }
}

using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>A route read from a configuration file: its definition, where it was written and which nodes it names where.</summary>
public sealed record ConfiguredRoute(RouteDefinition Definition, ConfigLocation Location, IReadOnlyList<NodeReference> Nodes)
{
    public string Name => Definition.Name;
}

/// <summary>A node name used by a route (as source, merged source or target) and where it was written.</summary>
public sealed record NodeReference(string Name, ConfigLocation Location, NodeRole Role);

public enum NodeRole
{
    Source,
    Target,
}

using System.Collections;
using Rx.Mediation.Routing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Operators.Fluent;

/// <summary>
/// A set of routes written as sentences:
/// <code>routes.From("orders-ws").Where(e => e.Header("type") == "order").Throttle(TimeSpan.FromMilliseconds(200)).To("orders");</code>
/// Pass the table to <c>MediationEngine.ApplyRoutesAsync</c>.
/// </summary>
public sealed class RouteTable : IEnumerable<RouteDefinition>
{
    private readonly List<RouteDefinition> _routes = [];

    public IReadOnlyList<RouteDefinition> Routes => _routes;

    /// <summary>Starts a route from one or more sources (fan-in); all their topics.</summary>
    public RouteRule From(params string[] sources)
    {
        if (sources.Length == 0) throw new ArgumentException("a route needs at least one source", nameof(sources));
        return new RouteRule(this, sources.Select(s => new SourceBinding(s)).ToList());
    }

    /// <summary>Starts a route from the topics of <paramref name="source"/> matching <paramref name="topics"/> (MQTT-style filter).</summary>
    public RouteRule FromTopic(string source, string topics) =>
        new(this, [new SourceBinding(source, TopicPattern.Parse(topics))]);

    /// <summary>Adds a route built elsewhere (e.g. from configuration).</summary>
    public RouteTable Add(RouteDefinition route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (_routes.Exists(r => r.Name == route.Name)) throw new ArgumentException($"a route named '{route.Name}' is already in the table", nameof(route));
        _routes.Add(route);
        return this;
    }

    public IEnumerator<RouteDefinition> GetEnumerator() => _routes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal string UniqueName(string candidate)
    {
        var name = candidate;
        for (var i = 2; _routes.Exists(r => r.Name == name); i++) name = $"{candidate}#{i}";
        return name;
    }
}

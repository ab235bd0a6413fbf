using Rx.Mediation.Bridging;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Engine;

/// <summary>
/// The pressures one route's bridge takes part in: the fill levels of its targets, which it holds back on, and the
/// readers' pressures of its relaying sources (the in-memory broker), which it reports into while it is full.
/// <para>
/// A route does not hold back on a relay it reads from itself, directly or through other routes (a route from the
/// memory broker back to it): its own full bridge would keep it from draining the bridge that holds it.
/// </para>
/// </summary>
internal sealed record RoutePressures(IReadOnlyList<OutboundPressure> HoldOn, IReadOnlyList<OutboundPressure> ReportTo)
{
    /// <param name="routes">Every route of the set <paramref name="route"/> belongs to (itself included).</param>
    /// <param name="resolve">The node of a name, as the set will run with it.</param>
    public static RoutePressures Of(RouteDefinition route, IReadOnlyList<RouteDefinition> routes, Func<string, IMediationNode?> resolve)
    {
        var readFrom = RelaysOf(route.AllSources.Select(s => s.Node), resolve);
        var holdOn = new List<OutboundPressure>();
        foreach (var target in route.Targets.Select(resolve).OfType<IMediationNode>())
        {
            if (target.Pressure is not { } pressure) continue;
            if (target.ReadersPressure is { } relay && Reaches(relay, readFrom, routes, resolve)) continue;
            holdOn.Add(pressure);
        }
        return new([.. holdOn.Distinct()], [.. readFrom]);
    }

    private static HashSet<OutboundPressure> RelaysOf(IEnumerable<string> nodes, Func<string, IMediationNode?> resolve) =>
        [.. nodes.Select(resolve).Select(n => n?.ReadersPressure).OfType<OutboundPressure>()];

    /// <summary>Whether events sent to <paramref name="relay"/> can come back, through routes and relays, to any of <paramref name="goals"/>.</summary>
    private static bool Reaches(OutboundPressure relay, HashSet<OutboundPressure> goals, IReadOnlyList<RouteDefinition> routes, Func<string, IMediationNode?> resolve)
    {
        var seen = new HashSet<OutboundPressure> { relay };
        var next = new Queue<OutboundPressure>(seen);
        while (next.TryDequeue(out var current))
        {
            if (goals.Contains(current)) return true;
            foreach (var reader in routes.Where(r => RelaysOf(r.AllSources.Select(s => s.Node), resolve).Contains(current)))
            {
                foreach (var onward in RelaysOf(reader.Targets, resolve))
                {
                    if (seen.Add(onward)) next.Enqueue(onward);
                }
            }
        }
        return false;
    }
}

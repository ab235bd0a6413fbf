using System.Reactive;
using Rx.Mediation.Bridging;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>What a <see cref="MarbleFlow"/> run produced: per-node output, drops, failures and the engine itself.</summary>
public sealed class FlowResult
{
    private readonly Dictionary<string, MarbleNode> _nodes;
    private readonly List<(long Time, DropRecord Drop)> _drops = [];
    private readonly List<FailureRecord> _failures = [];
    private readonly HashSet<RouteRuntime> _watched = [];
    private readonly Dictionary<string, HashSet<RouteRuntime>> _openFeeds = new(StringComparer.Ordinal);

    internal FlowResult(MediationEngine engine, Dictionary<string, MarbleNode> nodes)
    {
        Engine = engine;
        _nodes = nodes;
    }

    public MediationEngine Engine { get; }

    public IReadOnlyList<DropRecord> Drops => _drops.Select(d => d.Drop).ToList();

    public IReadOnlyList<FailureRecord> Failures => _failures;

    public RouteRuntime Route(string name) =>
        Engine.FindRoute(name) ?? throw new ArgumentException($"no running route named '{name}' (running: {string.Join(", ", Engine.Routes.Select(r => r.Name))})");

    /// <summary>Everything sent to <paramref name="node"/>, with virtual times.</summary>
    public IReadOnlyList<Recorded<Notification<FlowEvent>>> Sent(string node) =>
        _nodes.TryGetValue(node, out var n) ? n.Sent : throw new ArgumentException($"no node named '{node}' in this flow");

    /// <summary>The admissions each input event got (accepted, rejected, no route), with virtual times.</summary>
    public IReadOnlyList<Recorded<Admission>> Admissions(string node) => _nodes[node].Admissions;

    internal IReadOnlyList<Recorded<Notification<FlowEvent>>> DropDiagram(string route, DropReason? reason) =>
        _drops.Where(d => d.Drop.Route == route && (reason is null || d.Drop.Reason == reason))
            .Select(d => new Recorded<Notification<FlowEvent>>(d.Time, Notification.CreateOnNext(FlowEvent.Of(d.Drop.Event))))
            .ToList();

    internal void RecordDrop(DropRecord drop) => _drops.Add((Engine.Scheduler.Now.UtcTicks - MarbleScheduler.Epoch.UtcTicks, drop));

    internal void RecordFailure(FailureRecord failure) => _failures.Add(failure);

    internal void Watch(RouteRuntime route)
    {
        if (!_watched.Add(route)) return;
        foreach (var target in route.Definition.Targets)
        {
            if (!_openFeeds.TryGetValue(target, out var feeds)) _openFeeds[target] = feeds = [];
            feeds.Add(route);
        }
        route.Ended += OnRouteEnded;
    }

    private void OnRouteEnded(RouteRuntime route, Exception? error)
    {
        foreach (var target in route.Definition.Targets)
        {
            var feeds = _openFeeds[target];
            feeds.Remove(route);
            // A route swapped in takes over the feed; only the last route standing ends the sink.
            if (feeds.Count == 0 && (error is not null || !Engine.Routes.Any(r => r != route && r.Definition.Targets.Contains(target) && r.State == RouteState.Running)))
            {
                _nodes[target].RecordEnd(error);
            }
        }
    }
}

using System.Reactive;
using Rx.Mediation.Bridging;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>
/// Runs whole routes in virtual time with their entrypoints and endpoints replaced by marble sources and sinks:
/// <code>
/// new MarbleFlow(routes => routes.From("orders-ws").Where(e => e.Text != "b").To("orders"))
///     .Input("orders-ws", "-a-b-c-|")
///     .Expect("orders",   "-a---c-|")
///     .Run();
/// </code>
/// Letters stand for events on topic <c>events</c> whose payload is the letter, unless a values map says otherwise;
/// expectations use the inputs' values map by default. A sink completes once every route feeding it has completed.
/// The real engine runs underneath: bridges, drops, failures and route swaps behave exactly as in production.
/// </summary>
public sealed class MarbleFlow
{
    private readonly Action<RouteTable> _routes;
    private readonly Dictionary<string, IReadOnlyList<Recorded<Notification<FlowEvent>>>> _inputs = new(StringComparer.Ordinal);
    private readonly List<Action<FlowResult>> _checks = [];
    private readonly List<(long Time, Action<RouteTable> Routes)> _swaps = [];
    private readonly Dictionary<char, FlowEvent> _values = [];
    private long _horizon;

    public MarbleFlow(Action<RouteTable> routes)
    {
        _routes = routes ?? throw new ArgumentNullException(nameof(routes));
    }

    public MarbleScheduler Scheduler { get; } = new();

    /// <summary>How much virtual time runs past the last diagram, for delayed output (default 10 s).</summary>
    public TimeSpan Margin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Adds values to the shared map; a letter not in the map stands for itself on topic "events".</summary>
    public MarbleFlow Values(IReadOnlyDictionary<char, FlowEvent> values)
    {
        foreach (var (key, value) in values) _values[key] = value;
        return this;
    }

    public MarbleFlow Input(string node, string marbles, IReadOnlyDictionary<char, FlowEvent>? values = null)
    {
        var parsed = MarbleParser.ParseNotifications(marbles, Map(marbles, values), null, allowSubscriptionPoint: true);
        _inputs[node] = parsed;
        Extend(parsed);
        return this;
    }

    /// <summary>Expects what <paramref name="node"/> is sent, as a diagram.</summary>
    public MarbleFlow Expect(string node, string marbles, IReadOnlyDictionary<char, FlowEvent>? values = null)
    {
        var map = Map(marbles, values);
        var expected = MarbleParser.ParseNotifications(marbles, map, null, allowSubscriptionPoint: false);
        Extend(expected);
        _checks.Add(result => MarbleAssert.Equal(expected, result.Sent(node), map, FlowEvent.Matching));
        return this;
    }

    /// <summary>Expects the events <paramref name="route"/> dropped, as a diagram of when each was dropped (any reason unless given).</summary>
    public MarbleFlow ExpectDrops(string route, string marbles, DropReason? reason = null, IReadOnlyDictionary<char, FlowEvent>? values = null)
    {
        var map = Map(marbles, values);
        var expected = MarbleParser.ParseNotifications(marbles, map, null, allowSubscriptionPoint: false);
        Extend(expected);
        _checks.Add(result => MarbleAssert.Equal(expected, result.DropDiagram(route, reason), map, FlowEvent.Matching));
        return this;
    }

    /// <summary>Replaces the route set at the virtual time of the first non-space character after the leading dashes (e.g. "----^").</summary>
    public MarbleFlow ReplaceRoutesAt(string marbles, Action<RouteTable> routes)
    {
        var time = MarbleParser.ParseTime(marbles.Replace('^', '|'));
        _swaps.Add((time, routes));
        _horizon = Math.Max(_horizon, time);
        return this;
    }

    /// <summary>Runs the flow and checks every expectation; returns what happened for further assertions.</summary>
    public FlowResult Run()
    {
        var engine = new MediationEngine(new EngineOptions { Scheduler = Scheduler, DrainTimeout = TimeSpan.FromSeconds(5) });
        var table = new RouteTable();
        _routes(table);
        var names = table.SelectMany(r => r.AllSources.Select(s => s.Node).Concat(r.Targets))
            .Concat(_inputs.Keys)
            .Concat(_swaps.SelectMany(s => Build(s.Routes).SelectMany(r => r.AllSources.Select(b => b.Node).Concat(r.Targets))))
            .Distinct(StringComparer.Ordinal);
        var nodes = names.ToDictionary(n => n, n => new MarbleNode(n, Scheduler), StringComparer.Ordinal);
        foreach (var node in nodes.Values) engine.Add(node);

        var result = new FlowResult(engine, nodes);
        engine.Drops.Subscribe(result.RecordDrop);
        engine.Failures.Subscribe(result.RecordFailure);
        engine.StartAsync().GetAwaiter().GetResult();
        Apply(engine, table, result);
        foreach (var (time, routes) in _swaps)
        {
            Scheduler.ScheduleAt(time, () => _ = Apply(engine, Build(routes), result));
        }
        foreach (var (node, notifications) in _inputs) nodes[node].Play(notifications);

        var end = _horizon + Margin.Ticks;
        Scheduler.AdvanceTo(end);
        foreach (var check in _checks) check(result);
        return result;
    }

    private static RouteTable Build(Action<RouteTable> routes)
    {
        var table = new RouteTable();
        routes(table);
        return table;
    }

    private Task Apply(MediationEngine engine, RouteTable table, FlowResult result)
    {
        var applying = engine.ApplyRoutesAsync(table);
        foreach (var route in engine.Routes) result.Watch(route);
        return applying;
    }

    private Dictionary<char, FlowEvent> Map(string marbles, IReadOnlyDictionary<char, FlowEvent>? values)
    {
        var map = new Dictionary<char, FlowEvent>(_values);
        if (values is not null)
        {
            foreach (var (key, value) in values) map[key] = value;
        }
        foreach (var c in marbles)
        {
            if (!map.ContainsKey(c) && char.IsLetterOrDigit(c)) map[c] = FlowEvent.Data(c.ToString());
        }
        // Letters given for one diagram become the default for the next, so Expect can reuse Input's map.
        foreach (var (key, value) in map) _values.TryAdd(key, value);
        return map;
    }

    private void Extend<T>(IReadOnlyList<Recorded<T>> notifications)
    {
        if (notifications.Count > 0) _horizon = Math.Max(_horizon, notifications.Max(n => n.Time));
    }
}

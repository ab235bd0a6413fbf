using System.Diagnostics.Metrics;
using System.Globalization;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// The engine's ledgers as observable instruments on a <see cref="Meter"/> named <see cref="MediationMeter.Name"/>:
/// route counters and drops, operator counters, bridge depth and capacity, route state, node health and the
/// broker endpoints' <see cref="EndpointCounters"/>. Every instrument reads the engine when it is collected (a
/// scrape, an export), so routes and nodes added or removed by a reload are seen as they are, and the hot path
/// pays nothing. Route counters are per route name across reloads (<see cref="MediationEngine.RouteTotals"/>).
/// <para>
/// Usable without a service container: <c>new EngineMetrics(engine)</c> creates and owns its meter; a meter passed
/// in (from <c>IMeterFactory</c>) stays the caller's. Observable instruments cannot be removed from a meter, so a
/// passed meter should live no longer than the engine.
/// </para>
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>The route ledger's lines (<see cref="RouteCounters"/>), the <c>stage</c> tag of <c>rx.mediation.route.events</c>.</summary>
    public static IReadOnlyList<string> RouteStages { get; } = ["offered", "accepted", "refused", "emitted", "delivered", "filtered", "failed", "discarded"];

    /// <summary>The <c>outcome</c> tag of <c>rx.mediation.endpoint.events</c>, one per <see cref="EndpointCounters"/> count.</summary>
    public static IReadOnlyList<string> EndpointOutcomes { get; } =
        ["published", "acknowledged", "failed", "dropped", "retried", "received", "accepted", "redelivered", "unrouted"];

    private static readonly NodeHealth[] HealthStates = Enum.GetValues<NodeHealth>();
    private static readonly RouteState[] RouteStates = Enum.GetValues<RouteState>();
    private static readonly DropReason[] DropReasons = Enum.GetValues<DropReason>();

    private readonly MediationEngine _engine;
    private readonly Func<IMediationNode, EndpointCounters?> _endpointCounters;
    private readonly Meter? _owned;

    /// <param name="engine">The engine to observe.</param>
    /// <param name="meter">The meter to create the instruments on; null creates one (owned, disposed with this).</param>
    /// <param name="endpointCounters">Finds a node's <see cref="EndpointCounters"/> (broker endpoints have them); null for none.</param>
    public EngineMetrics(MediationEngine engine, Meter? meter = null, Func<IMediationNode, EndpointCounters?>? endpointCounters = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _endpointCounters = endpointCounters ?? (_ => null);
        if (meter is null) _owned = meter = new Meter(MediationMeter.Name);
        Meter = meter;

        meter.CreateObservableCounter("rx.mediation.route.events", RouteEvents, "{event}",
            "Events through each route by ledger stage: offered = accepted + refused; accepted = emitted + filtered + failed + drops after acceptance (batch weights); delivered counts each successful send per target");
        meter.CreateObservableCounter("rx.mediation.route.drops", RouteDrops, "{event}",
            "Events each route's bridge dropped, by reason");
        meter.CreateObservableCounter("rx.mediation.route.operator.events", OperatorEvents, "{event}",
            "Events each operator of a route took in, let out, filtered on purpose, or failed on (batch weights)");
        meter.CreateObservableGauge("rx.mediation.route.bridge.depth", BridgeDepth, "{event}",
            "Events waiting in each route's bridge, including sources parked under backpressure");
        meter.CreateObservableGauge("rx.mediation.route.bridge.capacity", BridgeCapacity, "{event}",
            "Capacity of each route's bridge");
        meter.CreateObservableGauge("rx.mediation.route.bridge.bytes", BridgeBytes, "By",
            "Payload bytes held in each route's bridge, including sources parked under backpressure");
        meter.CreateObservableGauge("rx.mediation.route.bridge.max_bytes", BridgeMaxBytes, "By",
            "Byte budget of each route's bridge (its waiting line under backpressure may hold as much again)");
        meter.CreateObservableGauge("rx.mediation.route.state", RouteStateSet, null,
            "1 for each route's current state, 0 for the others");
        meter.CreateObservableGauge("rx.mediation.node.health", NodeHealthSet, null,
            "1 for each node's current health (broker connection state for endpoints), 0 for the others");
        meter.CreateObservableCounter("rx.mediation.endpoint.events", EndpointEvents, "{event}",
            "What each broker endpoint did: sends published, acknowledged by the broker, failed after retries, dropped (outbound queue full), retried; receives received, accepted by the routes, refused for redelivery, taken by no route");
        meter.CreateObservableCounter("rx.mediation.endpoint.reconnects", EndpointReconnects, "{reconnect}",
            "Times each broker endpoint reconnected");
        meter.CreateObservableGauge("rx.mediation.endpoint.in_flight", EndpointInFlight, "{event}",
            "Sends each broker endpoint published and the broker has not yet acknowledged or failed");
    }

    public Meter Meter { get; }

    public void Dispose() => _owned?.Dispose();

    // The three route counters read the engine's per-name totals, not its running routes: a route replaced by a reload
    // continues its series with its predecessors' counts (draining included) folded in, so a series never goes down
    // and nothing counted between two collections is lost. A series for a route a reload removed stays at its total.
    private IEnumerable<Measurement<long>> RouteEvents()
    {
        foreach (var route in _engine.RouteTotals())
        {
            yield return Route(route.Offered, route, "stage", "offered");
            yield return Route(route.Accepted, route, "stage", "accepted");
            yield return Route(route.Refused, route, "stage", "refused");
            yield return Route(route.Emitted, route, "stage", "emitted");
            yield return Route(route.Delivered, route, "stage", "delivered");
            yield return Route(route.Filtered, route, "stage", "filtered");
            yield return Route(route.Failed, route, "stage", "failed");
            yield return Route(route.DiscardedAfterCompletion, route, "stage", "discarded");
        }
    }

    private IEnumerable<Measurement<long>> RouteDrops()
    {
        foreach (var route in _engine.RouteTotals())
        {
            foreach (var reason in DropReasons) yield return Route(route.Dropped[reason], route, "reason", reason.ToName());
        }
    }

    private IEnumerable<Measurement<long>> OperatorEvents()
    {
        foreach (var route in _engine.RouteTotals())
        {
            foreach (var op in route.Operators)
            {
                var index = op.Index.ToString(CultureInfo.InvariantCulture);
                yield return Operator(op.In, route.Name, index, op.Description, "in");
                yield return Operator(op.Out, route.Name, index, op.Description, "out");
                yield return Operator(op.Filtered, route.Name, index, op.Description, "filtered");
                yield return Operator(op.Failed, route.Name, index, op.Description, "failed");
            }
        }
    }

    private IEnumerable<Measurement<int>> BridgeDepth() =>
        _engine.Routes.Select(r => new Measurement<int>(r.Bridge.Count, new KeyValuePair<string, object?>("route", r.Name)));

    private IEnumerable<Measurement<int>> BridgeCapacity() =>
        _engine.Routes.Select(r => new Measurement<int>(r.Bridge.Options.Capacity, new KeyValuePair<string, object?>("route", r.Name)));

    private IEnumerable<Measurement<long>> BridgeBytes() =>
        _engine.Routes.Select(r => new Measurement<long>(r.Bridge.Bytes, new KeyValuePair<string, object?>("route", r.Name)));

    private IEnumerable<Measurement<long>> BridgeMaxBytes() =>
        _engine.Routes.Select(r => new Measurement<long>(r.Bridge.Options.MaxBytes, new KeyValuePair<string, object?>("route", r.Name)));

    private IEnumerable<Measurement<int>> RouteStateSet()
    {
        foreach (var route in _engine.Routes)
        {
            var current = route.State;
            foreach (var state in RouteStates)
            {
                yield return new Measurement<int>(state == current ? 1 : 0,
                    new KeyValuePair<string, object?>("route", route.Name), new KeyValuePair<string, object?>("state", Lower(state.ToString())));
            }
        }
    }

    private IEnumerable<Measurement<int>> NodeHealthSet()
    {
        foreach (var node in _engine.Nodes)
        {
            var current = node.Health;
            var kind = KindOf(node);
            foreach (var state in HealthStates)
            {
                yield return new Measurement<int>(state == current ? 1 : 0,
                    new KeyValuePair<string, object?>("node", node.Name), new KeyValuePair<string, object?>("kind", kind),
                    new KeyValuePair<string, object?>("state", Lower(state.ToString())));
            }
        }
    }

    private IEnumerable<Measurement<long>> EndpointEvents()
    {
        foreach (var (name, c) in Endpoints())
        {
            yield return Endpoint(c.Published, name, "published");
            yield return Endpoint(c.Acknowledged, name, "acknowledged");
            yield return Endpoint(c.Failed, name, "failed");
            yield return Endpoint(c.Dropped, name, "dropped");
            yield return Endpoint(c.Retried, name, "retried");
            yield return Endpoint(c.Received, name, "received");
            yield return Endpoint(c.Accepted, name, "accepted");
            yield return Endpoint(c.Redelivered, name, "redelivered");
            yield return Endpoint(c.Unrouted, name, "unrouted");
        }
    }

    private IEnumerable<Measurement<long>> EndpointReconnects() =>
        Endpoints().Select(e => new Measurement<long>(e.Counters.Reconnects, new KeyValuePair<string, object?>("endpoint", e.Name)));

    private IEnumerable<Measurement<long>> EndpointInFlight() =>
        Endpoints().Select(e => new Measurement<long>(Math.Max(0, e.Counters.InFlight), new KeyValuePair<string, object?>("endpoint", e.Name)));

    private IEnumerable<(string Name, EndpointCounters Counters)> Endpoints()
    {
        foreach (var node in _engine.Nodes)
        {
            if (_endpointCounters(node) is { } counters) yield return (node.Name, counters);
        }
    }

    private static string KindOf(IMediationNode node) => node switch
    {
        IEntrypoint => "entrypoint",
        IEndpoint => "endpoint",
        _ => "node",
    };

    private static string Lower(string name) => name.ToLowerInvariant();

    private static Measurement<long> Route(long value, RouteTotal route, string tag, string tagValue) =>
        new(value, new KeyValuePair<string, object?>("route", route.Name), new KeyValuePair<string, object?>(tag, tagValue));

    private static Measurement<long> Endpoint(long value, string endpoint, string outcome) =>
        new(value, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("outcome", outcome));

    private static Measurement<long> Operator(long value, string route, string index, string description, string kind) =>
        new(value,
            new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("index", index),
            new KeyValuePair<string, object?>("operator", description), new KeyValuePair<string, object?>("kind", kind));
}

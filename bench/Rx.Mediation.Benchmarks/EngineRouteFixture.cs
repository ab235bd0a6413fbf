using System.Reactive.Concurrency;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// One running engine with one route, built once per benchmark (GlobalSetup):
/// <c>src → bridge(8192, backpressure) → Where(topic == "t") → Select(WithTopic("out")) → memory</c>,
/// and an <see cref="ArrivalCounter"/> subscribed to "#" on the memory endpoint's broker.
/// Each <c>Send…</c> call pushes a batch from the calling thread, fails loudly on any refusal or drop,
/// and returns once every event has reached the broker.
/// </summary>
public sealed class EngineRouteFixture : IAsyncDisposable
{
    private readonly MediationEngine _engine;
    private readonly BenchSource _source = new(Workload.SourceName);
    private readonly IDisposable _brokerSubscription;
    private readonly IDisposable _dropSubscription;
    private long _drops;

    private EngineRouteFixture(MediationEngine engine, MemoryEndpoint target)
    {
        _engine = engine;
        Target = target;
        Counter = new ArrivalCounter(Workload.OutTopic);
        _brokerSubscription = target.Broker.Subscribe("#", Counter);
        _dropSubscription = engine.Drops.Subscribe(_ => Interlocked.Increment(ref _drops));
    }

    public ArrivalCounter Counter { get; }

    public MemoryEndpoint Target { get; }

    public RouteRuntime Route => _engine.Routes[0];

    /// <summary>The running engine, e.g. to attach flow taps (RouteObservability).</summary>
    public MediationEngine Engine => _engine;

    /// <param name="endpointReceives">
    /// True (the default of <c>new MemoryEndpoint(name)</c>): the endpoint also subscribes to its own broker for "#",
    /// so every event it publishes is received back as a new event (<c>WithSource</c>). False: an endpoint with no
    /// subscriptions, which only publishes.
    /// </param>
    /// <param name="scheduler">Where the bridge drains: the task pool (the default, as in production) or an experiment's.</param>
    public static EngineRouteFixture Create(bool endpointReceives = true, IScheduler? scheduler = null)
    {
        var engine = new MediationEngine(new EngineOptions { Scheduler = scheduler ?? EngineOptions.FairTaskPool });
        var target = endpointReceives
            ? new MemoryEndpoint(Workload.TargetName)
            : new MemoryEndpoint(Workload.TargetName, subscriptions: []);
        var fixture = new EngineRouteFixture(engine, target);
        engine.Add(fixture._source);
        engine.Add(target);
        var routes = new RouteTable();
        routes.From(Workload.SourceName)
            .Where(e => Workload.Filter(e))
            .Select(e => Workload.Project(e))
            .Bridge(Workload.Capacity, OverflowStrategy.Backpressure)
            .To(Workload.TargetName);
        engine.ApplyRoutesAsync(routes).GetAwaiter().GetResult();
        engine.StartAsync().GetAwaiter().GetResult();
        return fixture;
    }

    /// <summary>
    /// Backpressure through the engine's own async path (<c>ReceiveAsync</c>): when the bridge is full the producer
    /// blocks until the drain makes room. Completes synchronously (no await) whenever there is room.
    /// </summary>
    public void SendAsyncPath(Event[] events)
    {
        Counter.Arm(events.Length);
        foreach (var e in events)
        {
            var pending = _source.PushAsync(e);
            var admission = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            if (!admission.IsAccepted) Fail(admission);
        }
        Complete("engine route (ReceiveAsync)");
    }

    /// <summary>
    /// The synchronous <c>Receive</c> path. A sync source cannot wait, so this producer paces itself: every
    /// <see cref="PaceEvery"/> events it waits until the bridge has room for the next <see cref="PaceEvery"/>, which keeps
    /// every offer on the bridge's fast path. (It reads <see cref="Bridge.Count"/>, which takes the channel's lock, so
    /// only once per <see cref="PaceEvery"/> events, not to add a lock per event to what is measured.)
    /// </summary>
    public void SendSyncPaced(Event[] events)
    {
        Counter.Arm(events.Length);
        var bridge = Route.Bridge;
        for (var i = 0; i < events.Length; i++)
        {
            if ((i & (PaceEvery - 1)) == 0 && bridge.Count > Workload.Capacity - PaceEvery)
            {
                var spin = new SpinWait();
                while (bridge.Count > Workload.Capacity - PaceEvery) spin.SpinOnce(sleep1Threshold: -1);
            }
            var admission = _source.Push(events[i]);
            if (!admission.IsAccepted) Fail(admission);
        }
        Complete("engine route (Receive, paced)");
    }

    private const int PaceEvery = 64;

    private void Complete(string what)
    {
        Counter.WaitForAll(Workload.ArrivalTimeout, what);
        var drops = Interlocked.Read(ref _drops);
        if (drops != 0) throw new InvalidOperationException($"{what}: the engine reported {drops} dropped events");
    }

    private static void Fail(Admission admission) =>
        throw new InvalidOperationException($"the route refused an event ({admission.Status}: {admission.Reason}); a benchmark must not lose events");

    public async ValueTask DisposeAsync()
    {
        _brokerSubscription.Dispose();
        _dropSubscription.Dispose();
        await _engine.DisposeAsync().ConfigureAwait(false);
    }
}

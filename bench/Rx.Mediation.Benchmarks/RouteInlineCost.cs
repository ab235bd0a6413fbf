using BenchmarkDotNet.Attributes;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Experiment, not part of the default run: the same engine route on an <see cref="InlineScheduler"/>, so the bridge
/// drains inside each synchronous Receive and the whole route runs on the benchmark thread. Compare with
/// (c) Subject→Where→Select: the difference is the engine's own per-event cost (admission, counters, bridge, broker);
/// compare with the cross-thread engine route: the difference is the hand-off between two cores.
/// Run with <c>eng/bench.sh --filter '*RouteInlineCost*'</c>.
/// </summary>
[Config(typeof(BenchConfig))]
public class RouteInlineCost
{
    private Event[] _events = [];
    private EngineRouteFixture? _engine;

    /// <summary>True: the default memory endpoint, which subscribes to its own broker. False: a publish-only memory endpoint.</summary>
    [Params(true, false)]
    public bool EndpointReceives { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = Workload.CreateEvents();
        _engine = EngineRouteFixture.Create(EndpointReceives, InlineScheduler.Instance);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke)]
    public void EngineRouteInline() => _engine!.SendSyncPaced(_events);
}

using BenchmarkDotNet.Attributes;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Not part of the default run: splits the engine route's cost by the two things that add work per event,
/// (1) how the source offers (ReceiveAsync vs a paced synchronous Receive), and (2) whether the memory endpoint
/// also receives what it publishes (the default <c>new MemoryEndpoint(name)</c> subscribes to "#" on its own broker).
/// Run with <c>eng/bench.sh --filter '*RouteCostBreakdown*'</c>.
/// </summary>
[Config(typeof(BenchConfig))]
public class RouteCostBreakdown
{
    private Event[] _events = [];
    private EngineRouteFixture? _engine;

    /// <summary>True: ReceiveAsync (backpressure by awaiting). False: Receive, the producer paced by the bridge's fill level.</summary>
    [Params(true, false)]
    public bool AsyncReceive { get; set; }

    /// <summary>True: the default memory endpoint, which subscribes to its own broker. False: a publish-only memory endpoint.</summary>
    [Params(true, false)]
    public bool EndpointReceives { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = Workload.CreateEvents();
        _engine = EngineRouteFixture.Create(EndpointReceives);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke)]
    public void EngineRoute()
    {
        if (AsyncReceive) _engine!.SendAsyncPath(_events);
        else _engine!.SendSyncPaced(_events);
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Egress to web clients as topics multiply, side by side in one run, the same <see cref="Workload.EventsPerInvoke"/>
/// events each time: every event on topic <c>t</c> (baseline), or every event on a topic of its own (<c>t/0</c>,
/// <c>t/1</c>, …: past the buffers' 10,000 topics each one forgets the stalest, and the next invocation's topics were
/// all forgotten, so every event creates a topic in both buffers and forgets one). Two pairs:
/// <list type="bullet">
/// <item><c>route</c>: the server's egress as it runs (<see cref="EgressFixture"/>): an engine route, bridge(1024,
/// backpressure) → the SSE, WebSocket and poll entrypoints with their default options, one SSE and one WebSocket client
/// on <c>#</c>, each read by its own task as its writer loop would (the SSE one writes the wire format).</item>
/// <item><c>buffers</c>: the entrypoints alone, called on the benchmark thread, clients' queues read in line: only
/// the work that depends on topics (the replay and poll buffers, the fan-out), nothing else to hide it.</item>
/// </list>
/// Both variants of a pair do the same fan-out and store the same events; Ratio is per pair.
/// </summary>
[Config(typeof(BenchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EgressTopics
{
    private Event[] _events = [];
    private EgressFixture? _egress;

    [GlobalSetup(Targets = [nameof(RouteOneTopic), nameof(BuffersOneTopic)])]
    public void SetupOneTopic() => Setup(_ => Workload.InTopic);

    [GlobalSetup(Targets = [nameof(RouteNewTopics), nameof(BuffersNewTopics)])]
    public void SetupNewTopics() => Setup(i => $"{Workload.InTopic}/{i}");

    [GlobalCleanup]
    public void Cleanup() => _egress?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [BenchmarkCategory("route"), Benchmark(Baseline = true, OperationsPerInvoke = Workload.EventsPerInvoke, Description = "route: one topic")]
    public void RouteOneTopic() => _egress!.ThroughRoute(_events);

    [BenchmarkCategory("route"), Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "route: a new topic per event")]
    public void RouteNewTopics() => _egress!.ThroughRoute(_events);

    [BenchmarkCategory("buffers"), Benchmark(Baseline = true, OperationsPerInvoke = Workload.EventsPerInvoke, Description = "buffers: one topic")]
    public void BuffersOneTopic() => _egress!.Inline(_events);

    [BenchmarkCategory("buffers"), Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "buffers: a new topic per event")]
    public void BuffersNewTopics() => _egress!.Inline(_events);

    private void Setup(Func<int, string> topic)
    {
        var payload = new byte[64];
        _events = Enumerable.Range(0, Workload.EventsPerInvoke).Select(i => Event.Create(Workload.SourceName, topic(i), payload)).ToArray();
        _egress = EgressFixture.Create();
    }
}

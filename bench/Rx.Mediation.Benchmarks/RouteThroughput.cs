using System.Reactive.Linq;
using System.Reactive.Subjects;
using BenchmarkDotNet.Attributes;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// The product issue's comparison, per event (every benchmark moves <see cref="Workload.EventsPerInvoke"/> pre-built
/// events per invocation and sets <c>OperationsPerInvoke</c> to it, so Mean is ns/event and Allocated is bytes/event):
/// <list type="bullet">
/// <item>(a) <see cref="EngineRoute"/>: an engine route, bridge(8192, backpressure) → Where → Select → memory endpoint,
/// producer on the benchmark thread (ReceiveAsync, so backpressure never loses an event), drain on the task pool.</item>
/// <item>(b) <see cref="RawChannel"/> (baseline): the same events through a raw bounded channel of the same capacity,
/// writer on the benchmark thread, a reader task that only counts.</item>
/// <item>(b') <see cref="RawChannelWhereSelect"/>: (b) with the route's Where and Select in the reader, i.e. the same
/// work as (a) without the engine.</item>
/// <item>(c) <see cref="RawSubject"/>: Subject → Where → Select, synchronous on the benchmark thread.</item>
/// <item><see cref="EventWithTopic"/>: the Select's projection alone; its Allocated is the size of one Event.</item>
/// </list>
/// Every invocation fails loudly if any event is refused, dropped, duplicated or does not arrive.
/// </summary>
[Config(typeof(BenchConfig))]
public class RouteThroughput
{
    private Event[] _events = [];
    private EngineRouteFixture? _engine;
    private ChannelPassThrough? _channel;
    private ChannelPassThrough? _channelWhereSelect;
    private Subject<Event>? _subject;
    private ArrivalCounter? _subjectCounter;
    private IDisposable? _subjectChain;
    private Event? _sink;

    [GlobalSetup(Target = nameof(EngineRoute))]
    public void SetupEngine()
    {
        _events = Workload.CreateEvents();
        _engine = EngineRouteFixture.Create();
    }

    [GlobalSetup(Target = nameof(RawChannel))]
    public void SetupChannel()
    {
        _events = Workload.CreateEvents();
        _channel = new ChannelPassThrough(whereSelect: false);
    }

    [GlobalSetup(Target = nameof(RawChannelWhereSelect))]
    public void SetupChannelWhereSelect()
    {
        _events = Workload.CreateEvents();
        _channelWhereSelect = new ChannelPassThrough(whereSelect: true);
    }

    [GlobalSetup(Target = nameof(RawSubject))]
    public void SetupSubject()
    {
        _events = Workload.CreateEvents();
        _subject = new Subject<Event>();
        _subjectCounter = new ArrivalCounter(Workload.OutTopic);
        _subjectChain = _subject.Where(e => Workload.Filter(e)).Select(e => Workload.Project(e)).Subscribe(_subjectCounter);
    }

    [GlobalSetup(Target = nameof(EventWithTopic))]
    public void SetupReference() => _events = Workload.CreateEvents();

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _channel?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _channelWhereSelect?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _subjectChain?.Dispose();
        _subject?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(a) engine: bridge+Where+Select→memory")]
    public void EngineRoute() => _engine!.SendAsyncPath(_events);

    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(b) raw bounded Channel pass-through")]
    public void RawChannel() => _channel!.Send(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(b') raw bounded Channel+Where+Select")]
    public void RawChannelWhereSelect() => _channelWhereSelect!.Send(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(c) raw Subject→Where→Select")]
    public void RawSubject()
    {
        var counter = _subjectCounter!;
        var subject = _subject!;
        counter.Arm(_events.Length);
        foreach (var e in _events) subject.OnNext(e);
        counter.WaitForAll(TimeSpan.Zero, "subject");
    }

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "ref: e.WithTopic(\"out\") alone")]
    public Event? EventWithTopic()
    {
        foreach (var e in _events) _sink = Workload.Project(e);
        return _sink;
    }
}

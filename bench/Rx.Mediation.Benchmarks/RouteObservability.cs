using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Operations.Metrics;
using Rx.Mediation.Hosting.Operations.PacketLog;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// What observing a route costs (issue 5: "logging at default sampling costs less than 10% of throughput"): the
/// <see cref="RouteThroughput"/> engine route (bridge(8192, backpressure) → Where → Select → memory, producer on the
/// benchmark thread, drain on the task pool), per event, with
/// <list type="bullet">
/// <item><see cref="Nothing"/> (baseline): no tap attached;</item>
/// <item><see cref="EmptyTap"/>: a tap that does nothing: the cost of the flow-tap seam itself (three records per event,
/// each stamped with the scheduler's clock);</item>
/// <item><see cref="PacketLogDefault"/>: the packet log at its defaults (level flow, sample 1/1000, capacity 10,000),
/// its writer serializing every kept line and writing it to <see cref="TextWriter.Null"/>;</item>
/// <item><see cref="PacketLogErrors"/>: level errors (no drop or failure happens here, so it writes nothing): the tap's
/// look-up and stage test alone;</item>
/// <item><see cref="PacketLogEveryEvent"/>: level flow, every event (three lines per event; the log's queue overflows and
/// counts its own drops, the route loses nothing);</item>
/// <item><see cref="PacketLogAndMetrics"/>: the default packet log plus the metrics: the engine's instruments
/// (<see cref="EngineMetrics"/>) and a <see cref="MetricsCollector"/> listening to the Rx.Mediation meter (it records the
/// delivery-latency histogram per delivery), collected once per invocation (a scrape every 100,000 events);</item>
/// <item><see cref="MetricsOnly"/>: the metrics of (4) without the packet log;</item>
/// <item><see cref="ClockReads"/> (reference): three <see cref="DateTimeOffset.UtcNow"/> reads, what the seam stamps per event;</item>
/// <item><see cref="FormatLine"/> (reference): what the writer's thread spends per line (JSON, then UTF-16 for the TextWriter).</item>
/// </list>
/// Every invocation fails loudly if the route refuses, drops or loses any event.
/// </summary>
[Config(typeof(BenchConfig))]
public class RouteObservability
{
    private Event[] _events = [];
    private EngineRouteFixture? _engine;
    private IDisposable? _tap;
    private PacketLogTap? _log;
    private PacketLogWriter? _writer;
    private EngineMetrics? _metrics;
    private MetricsCollector? _collector;
    private DateTimeOffset _sink;
    private PacketLogEntry[] _entries = [];
    private readonly ArrayBufferWriter<byte> _bytes = new(1024 * 1024);
    private readonly char[] _chars = new char[1024 * 1024];
    private Utf8JsonWriter? _jsonWriter;

    private Utf8JsonWriter _json => _jsonWriter ??= new Utf8JsonWriter(_bytes, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [GlobalSetup(Target = nameof(Nothing))]
    public void SetupNothing() => Setup();

    [GlobalSetup(Target = nameof(EmptyTap))]
    public void SetupEmptyTap()
    {
        Setup();
        _tap = _engine!.Engine.Tap(new NoTap());
    }

    [GlobalSetup(Target = nameof(PacketLogDefault))]
    public void SetupPacketLogDefault()
    {
        Setup();
        AttachPacketLog(new PacketLogOptions());
    }

    [GlobalSetup(Target = nameof(PacketLogErrors))]
    public void SetupPacketLogErrors()
    {
        Setup();
        AttachPacketLog(new PacketLogOptions { Level = PacketLogLevel.Errors });
    }

    [GlobalSetup(Target = nameof(PacketLogEveryEvent))]
    public void SetupPacketLogEveryEvent()
    {
        Setup();
        AttachPacketLog(new PacketLogOptions { Level = PacketLogLevel.Flow, Sample = "1" });
    }

    [GlobalSetup(Target = nameof(PacketLogAndMetrics))]
    public void SetupPacketLogAndMetrics()
    {
        Setup();
        AttachPacketLog(new PacketLogOptions());
        _metrics = new EngineMetrics(_engine!.Engine);
        _collector = new MetricsCollector(instrument => instrument.Meter.Name == MediationMeter.Name);
    }

    [GlobalSetup(Target = nameof(MetricsOnly))]
    public void SetupMetricsOnly()
    {
        Setup();
        _metrics = new EngineMetrics(_engine!.Engine);
        _collector = new MetricsCollector(instrument => instrument.Meter.Name == MediationMeter.Name);
    }

    [GlobalSetup(Target = nameof(FormatLine))]
    public void SetupFormatLine()
    {
        _events = Workload.CreateEvents();
        var now = DateTimeOffset.UtcNow;
        _entries = _events.Select(e => new PacketLogEntry(new FlowRecord(FlowStage.Delivered, "route", e, Workload.TargetName, null, now))).ToArray();
    }

    [GlobalSetup(Target = nameof(ClockReads))]
    public void SetupClockReads() => _events = Workload.CreateEvents();

    [GlobalCleanup]
    public void Cleanup()
    {
        _tap?.Dispose();
        if (_writer is not null)
        {
            _writer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            // Not measured: what the log did with what it was offered, for the report.
            Console.WriteLine($"// packet log: {_log!.Counters} (capacity {_log.Capacity}, {_log.Settings})");
        }
        _collector?.Dispose();
        _metrics?.Dispose();
        _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(1) nothing attached")]
    public void Nothing() => _engine!.SendAsyncPath(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(1b) an empty tap (the seam alone)")]
    public void EmptyTap() => _engine!.SendAsyncPath(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(2) packet log, defaults (flow 1/1000)")]
    public void PacketLogDefault() => _engine!.SendAsyncPath(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(2b) packet log, level errors")]
    public void PacketLogErrors() => _engine!.SendAsyncPath(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(3) packet log, flow, every event")]
    public void PacketLogEveryEvent() => _engine!.SendAsyncPath(_events);

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(4) packet log defaults + metrics")]
    public void PacketLogAndMetrics()
    {
        _engine!.SendAsyncPath(_events);
        _collector!.Collect();
    }

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "(5) metrics only")]
    public void MetricsOnly()
    {
        _engine!.SendAsyncPath(_events);
        _collector!.Collect();
    }

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "ref: format one packet line")]
    public int FormatLine()
    {
        var bytes = _bytes;
        var total = 0;
        for (var i = 0; i < _entries.Length; i++)
        {
            if ((i & 1023) == 0)
            {
                if (bytes.WrittenCount > 0) total += Encoding.UTF8.GetChars(bytes.WrittenSpan, _chars);
                bytes.ResetWrittenCount();
            }
            _json.Reset(bytes);
            PacketLine.Write(_json, _entries[i]);
            _json.Flush();
            bytes.Write("\n"u8);
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Workload.EventsPerInvoke, Description = "ref: 3 × DateTimeOffset.UtcNow")]
    public DateTimeOffset ClockReads()
    {
        for (var i = 0; i < _events.Length; i++)
        {
            _sink = DateTimeOffset.UtcNow;
            _sink = DateTimeOffset.UtcNow;
            _sink = DateTimeOffset.UtcNow;
        }
        return _sink;
    }

    private void Setup()
    {
        _events = Workload.CreateEvents();
        _engine = EngineRouteFixture.Create();
    }

    private void AttachPacketLog(PacketLogOptions options)
    {
        _log = new PacketLogTap(options);
        _writer = new PacketLogWriter(_log, TextWriter.Null, NullLogger<PacketLogWriter>.Instance);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _tap = _engine!.Engine.Tap(_log);
    }

    private sealed class NoTap : IFlowTap
    {
        public void OnFlow(in FlowRecord record)
        {
        }
    }
}

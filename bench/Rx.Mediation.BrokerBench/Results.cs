using System.Globalization;

namespace Rx.Mediation.BrokerBench;

/// <summary>One throughput case: <see cref="Events"/> acknowledged by the broker in <see cref="Elapsed"/>.</summary>
internal sealed record Throughput(string Case, long Events, TimeSpan Elapsed, long Lost = 0, string? Note = null)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;

    /// <summary>CPU time this whole process used during the case (all threads: clients, server, client libraries,
    /// and for Kafka the in-process mock cluster), or null when not measured.</summary>
    public TimeSpan? Cpu { get; init; }

    public double? CpuMicrosecondsPerEvent => Cpu is { } cpu && Events > 0 ? cpu.TotalMicroseconds / Events : null;

    /// <summary>Managed bytes this process allocated during the case (all threads), or null when not measured.</summary>
    public long? Allocated { get; init; }

    public double? AllocatedPerEvent => Allocated is { } bytes && Events > 0 ? (double)bytes / Events : null;

    /// <summary>Garbage collections during the case (gen 0 / 1 / 2) and the time the process was paused by them.</summary>
    public (int Gen0, int Gen1, int Gen2, TimeSpan Paused)? Gc { get; init; }

    /// <summary>Thread-pool threads and all the process's threads at the end of the case: extra pool threads that spin
    /// when idle take CPU from the work on a small machine (docs/broker-benchmarks.md, "Machine").</summary>
    public (int Pool, int Process)? Threads { get; init; }

    /// <summary>Thread-pool work items run and contended <c>lock</c>s during the case: each work item can cost a
    /// thread wake-up, so per event they show how much hand-off a path pays.</summary>
    public (long WorkItems, long LockContentions)? Handoffs { get; init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Case}: {Events:N0} events in {Elapsed.TotalSeconds:0.000} s = {PerSecond:N0} events/s{(CpuMicrosecondsPerEvent is { } us ? $", process CPU {us:0.0} µs/event" : "")}{(AllocatedPerEvent is { } b ? $", {b:N0} B/event allocated" : "")}{(Gc is { } gc ? $", GC {gc.Gen0}/{gc.Gen1}/{gc.Gen2} paused {gc.Paused.TotalMilliseconds:N0} ms" : "")}{(Threads is { } t ? $", threads {t.Pool} pool/{t.Process} all" : "")}{(Handoffs is { } h && Events > 0 ? $", per 1,000 events {1000.0 * h.WorkItems / Events:0.0} pool work items and {1000.0 * h.LockContentions / Events:0.0} lock contentions" : "")}{(Lost > 0 ? $" ({Lost} lost)" : "")}{(Note is null ? "" : " — " + Note)}");
}

/// <summary>The process's CPU time (user + system, all threads).</summary>
internal static class ProcessCpu
{
    public static TimeSpan Now()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    public static int ProcessThreads()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    public static async Task<Throughput> MeasureAsync(Func<Task<Throughput>> run)
    {
        var start = Sample.Take();
        return start.Apply(await run());
    }

    /// <summary>CPU, allocation and GC counters at one moment; <see cref="Apply"/> adds what changed since to a result.</summary>
    public readonly record struct Sample(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused, long WorkItems, long LockContentions)
    {
        public static Sample Take() =>
            new(Now(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
                ThreadPool.CompletedWorkItemCount, Monitor.LockContentionCount);

        public Throughput Apply(Throughput result)
        {
            var now = Take();
            return result with
            {
                Cpu = now.Cpu - Cpu,
                // Under the server GC's dynamic heap count the process-wide figure has been seen to go backwards.
                Allocated = now.Allocated >= Allocated ? now.Allocated - Allocated : null,
                Gc = (now.Gen0 - Gen0, now.Gen1 - Gen1, now.Gen2 - Gen2, now.Paused - Paused),
                Threads = (ThreadPool.ThreadCount, ProcessThreads()),
                Handoffs = (now.WorkItems - WorkItems, now.LockContentions - LockContentions),
            };
        }
    }
}

/// <summary>Round-trip latencies in milliseconds, already sorted.</summary>
internal sealed record Latency(double[] SortedMs, int Sent, int RatePerSecond)
{
    public int Received => SortedMs.Length;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => SortedMs.Length == 0 ? double.NaN : SortedMs[^1];

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        if (SortedMs.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p * SortedMs.Length);
        return SortedMs[Math.Clamp(rank - 1, 0, SortedMs.Length - 1)];
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"latency: {Received}/{Sent} round trips at {RatePerSecond}/s: p50 {P50:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms");
}

/// <summary>Everything measured for one broker.</summary>
internal sealed class BrokerReport(string broker)
{
    public string Broker { get; } = broker;

    public List<Throughput> Direct { get; } = [];

    public List<Throughput> EngineWs { get; } = [];

    public List<Throughput> EngineInProcess { get; } = [];

    /// <summary>Events handed to the endpoint's OnNext directly (no route): the endpoint's sender alone.</summary>
    public List<Throughput> EndpointOnly { get; } = [];

    /// <summary>How fast the WebSocket clients got their messages accepted by the engine (send completion), per engine-ws round.</summary>
    public List<Throughput> WsIngress { get; } = [];

    public Latency? Latency { get; set; }

    /// <summary>A second latency run with a setting changed (Kafka: the consumer's fetch wait), and which.</summary>
    public (string Setting, Latency Latency)? TunedLatency { get; set; }

    /// <summary>The direct figure taken from another broker's run (Solace shares MQTT's transport and direct client).</summary>
    public string? DirectFrom { get; set; }

    public List<string> Notes { get; } = [];

    public static Throughput? Best(List<Throughput> runs) => runs.Count == 0 ? null : runs.MaxBy(r => r.PerSecond);
}

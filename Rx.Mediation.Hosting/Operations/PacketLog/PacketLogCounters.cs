using System.Runtime.InteropServices;
using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// What the packet log did with the records it was offered (a record is offered when its route's level includes its
/// stage). Once the queue is empty, <c>Offered = Written + SampledOut + Dropped</c>. Read by the metrics and the admin API.
/// <para>Sampled-out records are counted per thread (no interlocked operation, no shared cache line), drops on padded
/// counters of their own: counting never makes two routes, or a route's producer and its drain, contend.</para>
/// </summary>
public sealed class PacketLogCounters
{
    private static readonly int StageCount = Enum.GetValues<FlowStage>().Length;

    // Counted for nearly every record at default settings, from every route's threads: per thread, without a lock prefix.
    private readonly PerThreadCounts _sampledOut = new(StageCount);
    private readonly PaddedLong[] _dropped = new PaddedLong[PacketLogDropReasonNames.Count];
    private PaddedLong _written;
    private Func<int> _queued = () => 0;

    // Counts kept by the routes' own interests (see PacketLogTap.SampledInterest): one writer each, no lock prefix.
    private RouteSampleCounts[] _routeCounts = [];

    /// <summary>Lines written to the output.</summary>
    public long Written => Volatile.Read(ref _written.Value);

    /// <summary>Flow records not written because their event was not sampled.</summary>
    public long SampledOut
    {
        get
        {
            long total = _sampledOut.Sum();
            foreach (var counts in Volatile.Read(ref _routeCounts)) total += counts.Routed + counts.Delivered;
            return total;
        }
    }

    /// <summary>Lines the log lost itself, for any reason (see <see cref="DroppedBy"/>).</summary>
    public long Dropped
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _dropped.Length; i++) total += Volatile.Read(ref _dropped[i].Value);
            return total;
        }
    }

    /// <summary>Lines waiting in the queue right now.</summary>
    public int Queued => _queued();

    /// <summary>Written + sampled out + dropped + queued: every record the log was offered.</summary>
    public long Offered => Written + SampledOut + Dropped + Queued;

    public long DroppedBy(PacketLogDropReason reason) => Volatile.Read(ref _dropped[(int)reason].Value);

    public long SampledOutAt(FlowStage stage)
    {
        long total = _sampledOut.Sum((int)stage);
        foreach (var counts in Volatile.Read(ref _routeCounts))
        {
            total += stage switch { FlowStage.Routed => counts.Routed, FlowStage.Delivered => counts.Delivered, _ => 0 };
        }
        return total;
    }

    public override string ToString() => $"written {Written}, sampled out {SampledOut}, dropped {Dropped}, queued {Queued}";

    internal void CountSampledOut(FlowStage stage) => _sampledOut.Increment((int)stage);

    /// <summary>Counts for one route's drain-side stages, written by that drain alone and summed here.</summary>
    internal RouteSampleCounts ForRoute()
    {
        var counts = new RouteSampleCounts();
        lock (_dropped) Volatile.Write(ref _routeCounts, [.. _routeCounts, counts]);
        return counts;
    }

    internal void CountDropped(PacketLogDropReason reason, long count = 1) => Interlocked.Add(ref _dropped[(int)reason].Value, count);

    internal void CountWritten(long count) => Interlocked.Add(ref _written.Value, count);

    internal void QueuedFrom(Func<int> queued) => _queued = queued;

    /// <summary>
    /// Routed and delivered records sampled out on one route: the route's drain is its only writer (Rx serializes it),
    /// so a plain add replaces the per-thread lookup on the two stages counted most often.
    /// </summary>
    internal sealed class RouteSampleCounts
    {
        private long _routed, _delivered;

        public long Routed => Volatile.Read(ref _routed);

        public long Delivered => Volatile.Read(ref _delivered);

        public void CountRouted() => Volatile.Write(ref _routed, _routed + 1);

        public void CountDelivered() => Volatile.Write(ref _delivered, _delivered + 1);
    }

    /// <summary>A counter alone on its cache line (and the next, for adjacent-line prefetching).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}

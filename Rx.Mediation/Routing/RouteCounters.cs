using Rx.Mediation.Bridging;

namespace Rx.Mediation.Routing;

/// <summary>
/// A route's ledger. Once a route is idle, every event offered to it is accounted for:
/// <c>Offered = Accepted + Dropped(refusals)</c> and <c>Accepted = Emitted + Filtered + Failed + Dropped(after acceptance)</c>,
/// where filtered counts what operators removed or merged on purpose.
/// </summary>
public sealed class RouteCounters
{
    // Sources count offers on their threads, the drain counts what leaves: on separate cache lines, the two sides
    // do not invalidate each other's line on every event.
    private Padded _accepted, _emitted, _delivered;
    private long _refused, _failed, _completedDiscards;

    /// <summary>Offered to the route: accepted or refused.</summary>
    public long Offered => Accepted + Refused;

    /// <summary>Refused at the bridge (full under drop-new or backpressure, failed, stopping); each refusal is also a counted drop.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Taken into the bridge.</summary>
    public long Accepted => Volatile.Read(ref _accepted.Value);

    /// <summary>Left the operator chain towards the targets (weights: a batch of 10 counts 10).</summary>
    public long Emitted => Volatile.Read(ref _emitted.Value);

    /// <summary>Successful sends, counted per target.</summary>
    public long Delivered => Volatile.Read(ref _delivered.Value);

    /// <summary>Events a stage or a target failed on.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Events drained after the chain had completed on its own (e.g. after Take).</summary>
    public long DiscardedAfterCompletion => Volatile.Read(ref _completedDiscards);

    public DropCounters Dropped { get; } = new();

    internal void CountRefused() => Interlocked.Increment(ref _refused);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted.Value);

    // Written only at the route's output, which Rx serializes: a plain volatile add is enough.
    internal void CountEmitted(long weight) => Volatile.Write(ref _emitted.Value, _emitted.Value + weight);

    internal void CountDelivered() => Volatile.Write(ref _delivered.Value, _delivered.Value + 1);

    internal void CountFailed(long weight = 1) => Interlocked.Add(ref _failed, weight);

    internal void CountDiscarded() => Interlocked.Increment(ref _completedDiscards);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct Padded
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public long Value;
    }
}

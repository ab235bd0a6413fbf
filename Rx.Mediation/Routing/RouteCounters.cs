using Rx.Mediation.Bridging;

namespace Rx.Mediation.Routing;

/// <summary>
/// A route's ledger. Once a route is idle, every event offered to it is accounted for:
/// <c>Offered = Accepted + Dropped(refusals)</c> and <c>Accepted = Emitted + Filtered + Failed + Dropped(after acceptance)</c>,
/// where filtered counts what operators removed or merged on purpose.
/// </summary>
public sealed class RouteCounters
{
    private long _offered, _accepted, _emitted, _delivered, _failed, _completedDiscards;

    public long Offered => Volatile.Read(ref _offered);

    /// <summary>Taken into the bridge.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Left the operator chain towards the targets (weights: a batch of 10 counts 10).</summary>
    public long Emitted => Volatile.Read(ref _emitted);

    /// <summary>Successful sends, counted per target.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Events a stage or a target failed on.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Events drained after the chain had completed on its own (e.g. after Take).</summary>
    public long DiscardedAfterCompletion => Volatile.Read(ref _completedDiscards);

    public DropCounters Dropped { get; } = new();

    internal void CountOffered() => Interlocked.Increment(ref _offered);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);

    internal void CountEmitted(long weight) => Interlocked.Add(ref _emitted, weight);

    internal void CountDelivered() => Interlocked.Increment(ref _delivered);

    internal void CountFailed(long weight = 1) => Interlocked.Add(ref _failed, weight);

    internal void CountDiscarded() => Interlocked.Increment(ref _completedDiscards);
}

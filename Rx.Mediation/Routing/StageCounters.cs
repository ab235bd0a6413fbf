namespace Rx.Mediation.Routing;

/// <summary>
/// What one operator of a route saw: events in, events out, events it filtered out on purpose, and events it
/// failed on (a user predicate or projection threw). Counts are weights: a batch of 10 counts 10.
/// </summary>
public sealed class StageCounters
{
    private long _in, _out, _filtered, _failed;

    public long In => Volatile.Read(ref _in);

    public long Out => Volatile.Read(ref _out);

    public long Filtered => Volatile.Read(ref _filtered);

    public long Failed => Volatile.Read(ref _failed);

    public void CountIn(long weight = 1) => Interlocked.Add(ref _in, weight);

    public void CountOut(long weight = 1) => Interlocked.Add(ref _out, weight);

    public void CountFiltered(long weight = 1) => Interlocked.Add(ref _filtered, weight);

    public void CountFailed(long weight = 1) => Interlocked.Add(ref _failed, weight);
}

namespace Rx.Mediation.Routing;

/// <summary>
/// What one operator of a route saw: events in, events out, events it filtered out on purpose, and events it
/// failed on (a user predicate or projection threw). Counts are weights: a batch of 10 counts 10.
/// <para>
/// Each count is written by one stage, and Rx's contract serializes a stage's notifications (one at a time, with a
/// happens-before between them even across threads), so plain volatile adds suffice: no interlocked operation on the
/// hot path. Readers may see a count a moment late, never a torn one.
/// </para>
/// </summary>
public sealed class StageCounters
{
    private long _in, _out, _filtered, _failed;

    public long In => Volatile.Read(ref _in);

    public long Out => Volatile.Read(ref _out);

    public long Filtered => Volatile.Read(ref _filtered);

    public long Failed => Volatile.Read(ref _failed);

    public void CountIn(long weight = 1) => Volatile.Write(ref _in, _in + weight);

    public void CountOut(long weight = 1) => Volatile.Write(ref _out, _out + weight);

    public void CountFiltered(long weight = 1) => Volatile.Write(ref _filtered, _filtered + weight);

    public void CountFailed(long weight = 1) => Interlocked.Add(ref _failed, weight);
}

namespace Rx.Mediation.Endpoints;

/// <summary>
/// What a broker endpoint did, counted the same way for every broker: sends (published, acknowledged by the broker,
/// failed after retries, dropped because the outbound queue was full) and receives (received, accepted by the routes,
/// refused and left for redelivery, taken by no route).
/// </summary>
public sealed class EndpointCounters
{
    private long _failed, _dropped, _retried, _received, _accepted, _redelivered, _unrouted, _reconnects;

    // Under load every send is counted twice, on two threads: published by the route's drain, acknowledged by the
    // client library's callback thread. On one cache line each increment would take the line from the other core.
    private SendCounts _sends;

    public long Published => Volatile.Read(ref _sends.Published);

    public long Acknowledged => Volatile.Read(ref _sends.Acknowledged);

    public long Failed => Volatile.Read(ref _failed);

    public long Dropped => Volatile.Read(ref _dropped);

    public long Retried => Volatile.Read(ref _retried);

    public long Received => Volatile.Read(ref _received);

    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Messages the routes refused, so they were not acknowledged and the broker will deliver them again.</summary>
    public long Redelivered => Volatile.Read(ref _redelivered);

    /// <summary>Messages no route takes (acknowledged, counted, not silently lost).</summary>
    public long Unrouted => Volatile.Read(ref _unrouted);

    public long Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Sent but not yet acknowledged or failed.</summary>
    public long InFlight => Published - Acknowledged - Failed;

    public void CountPublished() => Interlocked.Increment(ref _sends.Published);

    public void CountAcknowledged(long count = 1) => Interlocked.Add(ref _sends.Acknowledged, count);

    public void CountFailed() => Interlocked.Increment(ref _failed);

    public void CountDropped() => Interlocked.Increment(ref _dropped);

    public void CountRetried() => Interlocked.Increment(ref _retried);

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountRedelivered() => Interlocked.Increment(ref _redelivered);

    public void CountUnrouted() => Interlocked.Increment(ref _unrouted);

    public void CountReconnect() => Interlocked.Increment(ref _reconnects);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
    private struct SendCounts
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public long Published;

        [System.Runtime.InteropServices.FieldOffset(128)]
        public long Acknowledged;
    }

    public override string ToString() =>
        $"published={Published} acknowledged={Acknowledged} failed={Failed} dropped={Dropped} received={Received} accepted={Accepted} redelivered={Redelivered} unrouted={Unrouted} reconnects={Reconnects}";
}

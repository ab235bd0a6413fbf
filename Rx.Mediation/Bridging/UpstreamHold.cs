namespace Rx.Mediation.Bridging;

/// <summary>
/// A backpressure bridge passing its fill level back through a relay that cannot wait for it: the in-memory broker
/// publishes synchronously, from the drain of the route sending to it, so a full bridge behind it could only take the
/// event into its waiting line or drop it. Instead, from half full until it is back at a quarter, the bridge counts as
/// one saturated reader in each relay's <see cref="OutboundPressure"/>; the routes sending to the relay hold back on
/// that pressure as on a broker's outbound queue, and their own overflow strategy decides at their door. The half left
/// free takes what those routes hand on between the mark and their next look at the pressure.
/// <para>
/// Producers count what they write (<see cref="Written"/>), the drain what it takes (<see cref="Taken"/>); each looks at
/// the other's count after a full fence, so a hold is never left standing over an empty bridge.
/// </para>
/// </summary>
internal sealed class UpstreamHold
{
    private readonly OutboundPressure[] _relays;
    private readonly long _holdAt;
    private readonly long _releaseAt;
    private long _written;
    private long _taken;
    private int _holding;

    public UpstreamHold(int capacity, IReadOnlyList<OutboundPressure> relays)
    {
        _relays = [.. relays.Distinct()];
        _holdAt = Math.Max(1, capacity / 2);
        _releaseAt = _holdAt / 2;
    }

    public bool IsHolding => Volatile.Read(ref _holding) != 0;

    private long Fill => Volatile.Read(ref _written) - Volatile.Read(ref _taken);

    /// <summary>Producers: <paramref name="count"/> events entered the bridge.</summary>
    public void Written(int count)
    {
        if (Interlocked.Add(ref _written, count) - Volatile.Read(ref _taken) < _holdAt || IsHolding) return;
        if (Interlocked.CompareExchange(ref _holding, 1, 0) != 0) return;
        foreach (var relay in _relays) relay.Add();
        // The drain may have emptied the bridge after our count, while it saw no hold to release.
        if (Fill <= _releaseAt) Release();
    }

    /// <summary>The drain: <paramref name="count"/> events left the bridge for the route's chain.</summary>
    public void Taken(int count)
    {
        Interlocked.Add(ref _taken, count);
        if (IsHolding && Fill <= _releaseAt) Release();
    }

    /// <summary>Lets the relays go (also when the bridge finishes or gives up what it held).</summary>
    public void Release()
    {
        if (Interlocked.CompareExchange(ref _holding, 0, 1) != 1) return;
        foreach (var relay in _relays) relay.Remove();
    }
}

namespace Rx.Mediation.Bridging;

/// <summary>
/// A backpressure bridge passing its fill level back through a relay that cannot wait for it: the in-memory broker
/// publishes synchronously, from the drain of the route sending to it, so a full bridge behind it could only take the
/// event into its waiting line or drop it. Instead, from half full (in events or in payload bytes) until it is back at a
/// quarter (in both), the bridge counts as
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
    private readonly long _holdAtBytes;
    private readonly long _releaseAtBytes;
    private long _written, _writtenBytes;
    private long _taken, _takenBytes;
    private int _holding;

    public UpstreamHold(int capacity, long maxBytes, IReadOnlyList<OutboundPressure> relays)
    {
        _relays = [.. relays.Distinct()];
        _holdAt = Math.Max(1, capacity / 2);
        _releaseAt = _holdAt / 2;
        _holdAtBytes = Math.Max(1, maxBytes / 2);
        _releaseAtBytes = _holdAtBytes / 2;
    }

    public bool IsHolding => Volatile.Read(ref _holding) != 0;

    private bool AtRelease =>
        Volatile.Read(ref _written) - Volatile.Read(ref _taken) <= _releaseAt &&
        Volatile.Read(ref _writtenBytes) - Volatile.Read(ref _takenBytes) <= _releaseAtBytes;

    /// <summary>Producers: <paramref name="count"/> events of <paramref name="bytes"/> payload bytes entered the bridge.</summary>
    public void Written(int count, long bytes)
    {
        var fill = Interlocked.Add(ref _written, count) - Volatile.Read(ref _taken);
        var fillBytes = Interlocked.Add(ref _writtenBytes, bytes) - Volatile.Read(ref _takenBytes);
        if ((fill < _holdAt && fillBytes < _holdAtBytes) || IsHolding) return;
        if (Interlocked.CompareExchange(ref _holding, 1, 0) != 0) return;
        foreach (var relay in _relays) relay.Add();
        // The drain may have emptied the bridge after our count, while it saw no hold to release.
        if (AtRelease) Release();
    }

    /// <summary>The drain: <paramref name="count"/> events of <paramref name="bytes"/> payload bytes left the bridge for the route's chain.</summary>
    public void Taken(int count, long bytes)
    {
        Interlocked.Add(ref _taken, count);
        Interlocked.Add(ref _takenBytes, bytes);
        if (IsHolding && AtRelease) Release();
    }

    /// <summary>Lets the relays go (also when the bridge finishes or gives up what it held).</summary>
    public void Release()
    {
        if (Interlocked.CompareExchange(ref _holding, 0, 1) != 1) return;
        foreach (var relay in _relays) relay.Remove();
    }
}

namespace Rx.Mediation.Bridging;

/// <summary>
/// How full a target's outbound queue is, told to the routes that feed it.
/// <para>
/// A broker endpoint hands events on at the broker's pace; what it has not handed on yet waits in its outbound queue.
/// When that queue reaches <see cref="HighWater"/> events or <see cref="HighWaterBytes"/> payload bytes the target is
/// <see cref="IsSaturated"/>: the routes sending to it
/// stop draining their bridges, so new events wait in the bridge, where the route's overflow strategy decides (under
/// backpressure the web clients are slowed down; under drop-new they are refused and the drops counted). Once the
/// queue is back at <see cref="LowWater"/> events and <see cref="LowWaterBytes"/> bytes the routes are resumed. Without this, a fast producer would fill the
/// target's queue to the brim and the target would drop what the route had already accepted.
/// </para>
/// <para>
/// <see cref="Add"/> and <see cref="Remove"/> are lock-free apart from the two crossings; resume callbacks run on the
/// thread whose <see cref="Remove"/> crossed the low-water mark (e.g. a client library's callback thread), so they must
/// only schedule work, never do it.
/// </para>
/// </summary>
public sealed class OutboundPressure
{
    private readonly object _gate = new();
    private readonly List<Action> _waiting = [];
    private int _pending;
    private long _pendingBytes;
    private volatile bool _saturated;
    private long _saturations;

    /// <param name="highWater">Pending events at which the target holds its routes back (at least 1).</param>
    /// <param name="lowWater">Pending events at which they are resumed (below <paramref name="highWater"/>).</param>
    /// <param name="highWaterBytes">Pending payload bytes at which the target holds its routes back; null: bytes never do.</param>
    /// <param name="lowWaterBytes">Pending payload bytes at or below which they may be resumed (below <paramref name="highWaterBytes"/>).</param>
    public OutboundPressure(int highWater, int lowWater, long? highWaterBytes = null, long lowWaterBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(highWater, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(lowWater);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lowWater, highWater);
        HighWater = highWater;
        LowWater = lowWater;
        if (highWaterBytes is { } highBytes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(highBytes, 1, nameof(highWaterBytes));
            ArgumentOutOfRangeException.ThrowIfNegative(lowWaterBytes);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lowWaterBytes, highBytes);
            HighWaterBytes = highBytes;
            LowWaterBytes = lowWaterBytes;
        }
        else
        {
            HighWaterBytes = LowWaterBytes = long.MaxValue;
        }
    }

    /// <summary>
    /// For an outbound queue of <paramref name="capacity"/> events and <paramref name="maxBytes"/> payload bytes: hold
    /// back at half of either, resume at a quarter of both, so the queue keeps enough to send from while it never
    /// overflows under routes that hold back.
    /// </summary>
    public static OutboundPressure ForQueue(int capacity, long? maxBytes = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var high = Math.Max(1, capacity / 2);
        if (maxBytes is not { } bytes) return new OutboundPressure(high, high / 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1, nameof(maxBytes));
        var highBytes = Math.Max(1, bytes / 2);
        return new OutboundPressure(high, high / 2, highBytes, highBytes / 2);
    }

    public int HighWater { get; }

    public int LowWater { get; }

    /// <summary>Pending payload bytes at which the target holds its routes back (<see cref="long.MaxValue"/>: never).</summary>
    public long HighWaterBytes { get; }

    /// <summary>Pending payload bytes at or below which the routes may be resumed.</summary>
    public long LowWaterBytes { get; }

    /// <summary>Payload bytes the target holds and has not handed on.</summary>
    public long PendingBytes => Volatile.Read(ref _pendingBytes);

    /// <summary>Events the target holds and has not handed on.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Whether routes should hold back now.</summary>
    public bool IsSaturated => _saturated;

    /// <summary>How many times the target has held its routes back (crossings of the high-water mark).</summary>
    public long Saturations => Interlocked.Read(ref _saturations);

    /// <summary>Counts events (and their payload bytes) that entered the target's queue.</summary>
    public void Add(int count = 1, long bytes = 0)
    {
        var pending = Interlocked.Add(ref _pending, count);
        var pendingBytes = bytes == 0 ? PendingBytes : Interlocked.Add(ref _pendingBytes, bytes);
        if ((pending >= HighWater || pendingBytes >= HighWaterBytes) && !_saturated) Saturate();
    }

    /// <summary>Counts events (and their payload bytes) that left the target's queue (handed on, failed or dropped).</summary>
    public void Remove(int count = 1, long bytes = 0)
    {
        var pending = Interlocked.Add(ref _pending, -count);
        var pendingBytes = bytes == 0 ? PendingBytes : Interlocked.Add(ref _pendingBytes, -bytes);
        if (pending <= LowWater && pendingBytes <= LowWaterBytes && _saturated) Relieve();
    }

    private bool AtHighWater => Volatile.Read(ref _pending) >= HighWater || PendingBytes >= HighWaterBytes;

    private bool AtLowWater => Volatile.Read(ref _pending) <= LowWater && PendingBytes <= LowWaterBytes;

    /// <summary>
    /// True when the target takes events now. Otherwise <paramref name="resume"/> is remembered and called once, when
    /// the target is relieved (or released); a caller registers at most once per wait.
    /// </summary>
    public bool TryPass(Action resume)
    {
        if (!_saturated) return true;
        lock (_gate)
        {
            if (!_saturated) return true;
            _waiting.Add(resume);
            return false;
        }
    }

    /// <summary>The target let go of everything it held (it stopped; what was queued is accounted for elsewhere): nothing pending, everyone waiting resumed.</summary>
    public void Clear()
    {
        Interlocked.Exchange(ref _pending, 0);
        Interlocked.Exchange(ref _pendingBytes, 0);
        Relieve();
    }

    private void Saturate()
    {
        lock (_gate)
        {
            if (_saturated || !AtHighWater) return;
            _saturated = true;
            Interlocked.Increment(ref _saturations);
        }
        // A Remove that emptied the queue after our check may have seen _saturated still false and not relieved:
        // look again after publishing the flag (both sides go through full fences, so one of them sees the other).
        Interlocked.MemoryBarrier();
        if (AtLowWater) Relieve();
    }

    private void Relieve()
    {
        Action[] resume;
        lock (_gate)
        {
            if (!_saturated && _waiting.Count == 0) return;
            if (!AtLowWater) return;
            _saturated = false;
            resume = [.. _waiting];
            _waiting.Clear();
        }
        foreach (var action in resume) action();
    }

    public override string ToString() =>
        HighWaterBytes == long.MaxValue
            ? $"{Pending} pending (hold at {HighWater}, resume at {LowWater}){(_saturated ? ", saturated" : "")}"
            : $"{Pending} pending, {PendingBytes} bytes (hold at {HighWater} or {HighWaterBytes} bytes, resume at {LowWater} and {LowWaterBytes} bytes){(_saturated ? ", saturated" : "")}";
}

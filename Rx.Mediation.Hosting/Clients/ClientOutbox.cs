using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Clients;

/// <summary>
/// A send queue in front of one web client, bounded in events and in bytes (<see cref="EventFootprint"/>). Routes
/// enqueue without ever waiting, so one slow client never holds up another; the client's own writer loop reads it.
/// When an event does not fit, the <see cref="SlowClientPolicy"/> decides, and every event dropped for this client is
/// counted. An event larger than the byte budget still goes into an empty queue.
/// </summary>
public sealed class ClientOutbox
{
    // Not single-reader: under DropOldest an enqueuer takes the oldest out itself.
    private readonly Channel<Queued> _channel = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly SlowClientPolicy _policy;
    private readonly Action<Event>? _onDrop;
    private readonly CancellationTokenSource _closed = new();
    private long _dropped;
    private long _enqueued;
    private long _bytes;
    // Counted here rather than asked of the channel: its count walks the queue, racing the client's reader.
    private int _count;
    private volatile bool _completed;

    public ClientOutbox(int capacity, SlowClientPolicy policy, Action<Event>? onDrop = null, long maxBytes = long.MaxValue)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a client send queue holds at least one event");
        if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "a client send queue holds at least one byte");
        _capacity = capacity;
        _maxBytes = maxBytes;
        _policy = policy;
        _onDrop = onDrop;
    }

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public long EnqueuedCount => Interlocked.Read(ref _enqueued);

    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes queued, as the budget counts them.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Cancelled when the outbox closes the client for being too slow (or the client is gone).</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Why the client was closed, when it was.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Queues an event; never waits. Returns false when the event was not queued (dropped or client closed).</summary>
    public bool Enqueue(Event value) => Enqueue(value, EventFootprint.Of(value));

    /// <summary>Queues an event whose <see cref="EventFootprint"/> the caller measured already (one fan-out, many clients).</summary>
    internal bool Enqueue(Event value, long bytes)
    {
        // A client that is leaving (or closed for being slow) misses events by design: not a drop to count.
        if (_completed || _closed.IsCancellationRequested) return false;
        while (!Fits(bytes))
        {
            switch (_policy)
            {
                case SlowClientPolicy.DropOldest:
                    if (TryTake(out var oldest)) Dropped(oldest);
                    continue;
                case SlowClientPolicy.Disconnect:
                    Dropped(value);
                    Close("the client did not keep up: its send queue is full");
                    return false;
                default:
                    Dropped(value);
                    return false;
            }
        }
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _count);
        if (!_channel.Writer.TryWrite(new Queued(value, bytes)))
        {
            Interlocked.Add(ref _bytes, -bytes);
            Interlocked.Decrement(ref _count);
            return false;
        }
        Interlocked.Increment(ref _enqueued);
        return true;
    }

    /// <summary>The next queued event, if any (the client's writer loop).</summary>
    public bool TryRead([MaybeNullWhen(false)] out Event value) => TryTake(out value);

    /// <summary>Completes when an event is queued (true) or the outbox ended with nothing left (false).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Ends the outbox; the writer loop finishes what is queued unless <paramref name="reason"/> signals a forced close.</summary>
    public void Close(string? reason = null)
    {
        CloseReason ??= reason;
        _completed = true;
        _channel.Writer.TryComplete();
        if (reason is not null)
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    // Racing enqueuers may each see room for their own event: the bounds hold to within one event per concurrent route.
    private bool Fits(long bytes)
    {
        var count = Volatile.Read(ref _count);
        return count == 0 || (count < _capacity && Interlocked.Read(ref _bytes) + bytes <= _maxBytes);
    }

    private bool TryTake([MaybeNullWhen(false)] out Event value)
    {
        if (!_channel.Reader.TryRead(out var queued))
        {
            value = null;
            return false;
        }
        Interlocked.Add(ref _bytes, -queued.Bytes);
        Interlocked.Decrement(ref _count);
        value = queued.Value;
        return true;
    }

    private void Dropped(Event value)
    {
        Interlocked.Increment(ref _dropped);
        _onDrop?.Invoke(value);
    }

    private readonly record struct Queued(Event Value, long Bytes);
}

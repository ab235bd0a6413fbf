using System.Threading.Channels;
using Rx.Mediation.Events;

namespace Rx.Mediation.Clients;

/// <summary>
/// A bounded send queue in front of one web client. Routes enqueue without ever waiting, so one slow client
/// never holds up another; the client's own writer loop reads it. Overflow follows the <see cref="SlowClientPolicy"/>
/// and every event dropped for this client is counted.
/// </summary>
public sealed class ClientOutbox
{
    private readonly Channel<Event> _channel;
    private readonly SlowClientPolicy _policy;
    private readonly Action<Event>? _onDrop;
    private readonly CancellationTokenSource _closed = new();
    private long _dropped;
    private long _enqueued;
    private volatile bool _completed;

    public ClientOutbox(int capacity, SlowClientPolicy policy, Action<Event>? onDrop = null)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a client send queue holds at least one event");
        _policy = policy;
        _onDrop = onDrop;
        _channel = Channel.CreateBounded<Event>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = policy == SlowClientPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            },
            policy == SlowClientPolicy.DropOldest ? Dropped : null);
    }

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public long EnqueuedCount => Interlocked.Read(ref _enqueued);

    public int Count => _channel.Reader.Count;

    public ChannelReader<Event> Reader => _channel.Reader;

    /// <summary>Cancelled when the outbox closes the client for being too slow (or the client is gone).</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Why the client was closed, when it was.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Queues an event; never waits. Returns false when the event was not queued (dropped or client closed).</summary>
    public bool Enqueue(Event value)
    {
        if (_channel.Writer.TryWrite(value))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }
        // A client that is leaving (or closed for being slow) misses events by design: not a drop to count.
        if (_completed || _closed.IsCancellationRequested) return false;
        if (_policy == SlowClientPolicy.Disconnect)
        {
            Dropped(value);
            Close("the client did not keep up: its send queue is full");
            return false;
        }
        Dropped(value);
        return false;
    }

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

    private void Dropped(Event value)
    {
        Interlocked.Increment(ref _dropped);
        _onDrop?.Invoke(value);
    }
}

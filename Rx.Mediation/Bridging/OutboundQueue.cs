using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Rx.Mediation.Events;

namespace Rx.Mediation.Bridging;

/// <summary>
/// A broker endpoint's bounded outbound queue, counted into its <see cref="OutboundPressure"/> (events and payload
/// bytes) on every write and read, so the routes sending to the endpoint hold back at the pressure's marks. It is full
/// at its capacity in events or at its byte budget, whichever comes first; one event larger than the whole budget is
/// still taken when the queue is empty. One reader (the endpoint's send loop); writers from any thread.
/// </summary>
public sealed class OutboundQueue
{
    /// <summary>32 MiB, as a route's bridge: what one endpoint may hold of payloads not yet handed to its broker.</summary>
    public const long DefaultMaxBytes = BridgeOptions.DefaultMaxBytes;

    private readonly Channel<Event> _channel;
    private readonly PayloadBudget _bytes;

    /// <param name="maxBytes">Payload bytes the queue holds at most (see <see cref="DefaultMaxBytes"/>).</param>
    public OutboundQueue(int capacity, OutboundPressure pressure, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentNullException.ThrowIfNull(pressure);
        _channel = Channel.CreateBounded<Event>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _bytes = new PayloadBudget(maxBytes);
        Pressure = pressure;
    }

    public OutboundPressure Pressure { get; }

    /// <summary>Events waiting in the queue.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Payload bytes waiting in the queue.</summary>
    public long Bytes => _bytes.Held;

    public long MaxBytes => _bytes.Max;

    /// <summary>Queues <paramref name="value"/>; false when the queue is full (events or bytes) or completed (the caller counts the drop).</summary>
    public bool TryWrite(Event value)
    {
        var size = value.Payload.Length;
        if (!_bytes.TryTake(size)) return false;
        if (!_channel.Writer.TryWrite(value))
        {
            _bytes.Give(size);
            return false;
        }
        Pressure.Add(1, size);
        return true;
    }

    public bool TryRead([MaybeNullWhen(false)] out Event value)
    {
        if (!_channel.Reader.TryRead(out value)) return false;
        var size = value.Payload.Length;
        _bytes.Give(size);
        Pressure.Remove(1, size);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    public async IAsyncEnumerable<Event> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out var value)) yield return value;
        }
    }

    /// <summary>Takes no more writes; what is queued can still be read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// Empties the queue when the endpoint stops, returning how many events it held (the caller counts them as dropped
    /// or failed), and clears the pressure so no route keeps waiting for room here.
    /// </summary>
    public int TakeAll()
    {
        var taken = 0;
        while (TryRead(out _)) taken++;
        Pressure.Clear();
        return taken;
    }
}

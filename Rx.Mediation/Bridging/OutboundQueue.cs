using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Rx.Mediation.Events;

namespace Rx.Mediation.Bridging;

/// <summary>
/// A broker endpoint's bounded outbound queue, counted into its <see cref="OutboundPressure"/> on every write and read,
/// so the routes sending to the endpoint hold back at the pressure's marks. One reader (the endpoint's send loop);
/// writers from any thread.
/// </summary>
public sealed class OutboundQueue
{
    private readonly Channel<Event> _channel;

    public OutboundQueue(int capacity, OutboundPressure pressure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(pressure);
        _channel = Channel.CreateBounded<Event>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        Pressure = pressure;
    }

    public OutboundPressure Pressure { get; }

    /// <summary>Events waiting in the queue.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Queues <paramref name="value"/>; false when the queue is full or completed (the caller counts the drop).</summary>
    public bool TryWrite(Event value)
    {
        if (!_channel.Writer.TryWrite(value)) return false;
        Pressure.Add();
        return true;
    }

    public bool TryRead([MaybeNullWhen(false)] out Event value)
    {
        if (!_channel.Reader.TryRead(out value)) return false;
        Pressure.Remove();
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

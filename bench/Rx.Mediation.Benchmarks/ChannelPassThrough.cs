using System.Threading.Channels;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// The raw baseline: a bounded <see cref="Channel{T}"/> configured like the route's bridge (same capacity,
/// <see cref="BoundedChannelFullMode.Wait"/>, one reader, no synchronous continuations) with one long-running reader
/// task on the thread pool. The reader either just counts (pass-through) or applies the route's Where and Select first.
/// </summary>
public sealed class ChannelPassThrough : IAsyncDisposable
{
    private readonly Channel<Event> _channel;
    private readonly Task _reader;

    public ChannelPassThrough(bool whereSelect)
    {
        _channel = Channel.CreateBounded<Event>(new BoundedChannelOptions(Workload.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        Counter = new ArrivalCounter(whereSelect ? Workload.OutTopic : Workload.InTopic);
        _reader = Task.Run(whereSelect ? ReadWhereSelectAsync : ReadAsync);
    }

    public ArrivalCounter Counter { get; }

    /// <summary>Writes every event (blocking while the channel is full), then waits until the reader has seen them all.</summary>
    public void Send(Event[] events)
    {
        Counter.Arm(events.Length);
        var writer = _channel.Writer;
        foreach (var e in events)
        {
            if (!writer.TryWrite(e)) writer.WriteAsync(e).AsTask().GetAwaiter().GetResult();
        }
        Counter.WaitForAll(Workload.ArrivalTimeout, "channel");
    }

    private async Task ReadAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var e)) Counter.OnNext(e);
        }
    }

    private async Task ReadWhereSelectAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var e))
            {
                if (Workload.Filter(e)) Counter.OnNext(Workload.Project(e));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _reader.ConfigureAwait(false);
    }
}

using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Entrypoints.Resume;

namespace Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;

/// <summary>
/// Catches one SSE client up from the broker before its live stream: the replayed events go through the routes'
/// stages (<see cref="RouteReplay"/>) and are written as they come, a slow client holding the replay back. Meanwhile
/// live events queue in the client's outbox as usual; the returned <see cref="ReplaySeam"/> then drops those the replay
/// already wrote. If the outbox had to drop live events while the client caught up, the replay runs again from where
/// the client now is (up to <see cref="MaxRounds"/> times), so those are not lost either.
/// </summary>
internal static class SseBrokerReplay
{
    public const int MaxRounds = 4;

    /// <summary>Replayed events waiting to be written; when full, the replay waits.</summary>
    private const int Window = 256;

    /// <exception cref="Exception">Whatever ended the replay (the broker could not be read): the caller ends the stream.</exception>
    public static async Task<ReplaySeam> RunAsync(
        PipeWriter output, ConnectedClient client, ClientRegistry clients, RouteReplay replay, TimeSpan heartbeat,
        ILogger logger, string entrypoint, CancellationToken cancellationToken)
    {
        var seam = new ReplaySeam(replay.Source, replay.From);
        var failures = BrokerResume.LogFailures(logger, entrypoint);
        for (var round = 1; ; round++)
        {
            var dropped = client.Outbox.DroppedCount;
            var run = replay.Start(seam.Position, failures);
            var written = await WriteAsync(output, run, client, clients, seam, heartbeat, cancellationToken);
            seam.Cover(run.Covered);
            logger.LogDebug("SSE client {Client} of {Entrypoint}: replay round {Round} from {Source} wrote {Count} events, now at {Position}",
                client.Id, entrypoint, round, replay.Source.Name, written, seam.Position);
            var lost = client.Outbox.DroppedCount - dropped;
            if (lost == 0) break;
            if (round == MaxRounds)
            {
                logger.LogWarning("SSE client {Client} of {Entrypoint} dropped {Count} live events while catching up after {Rounds} replays; they are counted as slow-client drops",
                    client.Id, entrypoint, lost, round);
                break;
            }
        }
        return seam;
    }

    private static async Task<long> WriteAsync(
        PipeWriter output, ReplayRun run, ConnectedClient client, ClientRegistry clients, ReplaySeam seam, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Event>(new BoundedChannelOptions(Window) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var subscription = run.Events.Subscribe(new WaitingWriter(channel.Writer, stopWaiting.Token));
        try
        {
            var reader = channel.Reader;
            var flusher = new ResponseFlusher(output);
            var count = 0L;
            var beat = Task.Delay(heartbeat, cancellationToken);
            while (true)
            {
                var written = false;
                while (reader.TryRead(out var value))
                {
                    if (!BrokerResume.IsFor(value, client, clients) || !seam.TryAdmit(value, out var id)) continue;
                    written = true;
                    count++;
                    await flusher.WroteAsync(SseFormat.WriteEvent(output, value, id), cancellationToken);
                }
                if (written) await flusher.FlushAsync(cancellationToken);
                var waiting = reader.WaitToReadAsync(cancellationToken).AsTask();
                while (await Task.WhenAny(waiting, beat) == beat)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await output.WriteAsync(SseFormat.Keepalive, cancellationToken);
                    beat = Task.Delay(heartbeat, cancellationToken);
                }
                // Completed: false, or the replay's error rethrown.
                if (!await waiting) return count;
            }
        }
        finally
        {
            // A replay thread blocked on a full window must not wait for a reader that is gone.
            await stopWaiting.CancelAsync();
        }
    }

    /// <summary>Hands replayed events to the writer, waiting (on the replay's thread) while the window is full.</summary>
    private sealed class WaitingWriter(ChannelWriter<Event> writer, CancellationToken cancellationToken) : IObserver<Event>
    {
        public void OnNext(Event value)
        {
            try
            {
                while (!writer.TryWrite(value))
                {
                    if (!writer.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult()) return;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnCompleted() => writer.TryComplete();
    }
}

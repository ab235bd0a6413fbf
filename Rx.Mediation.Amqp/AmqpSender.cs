using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;

namespace Rx.Mediation.Amqp;

/// <summary>
/// The sending half of an AMQP 1.0 endpoint. It takes events from the outbound queue only while a connection is open
/// and fewer than <c>MaxInFlight</c> are unanswered (so while the broker is away they wait in the queue, whose fill
/// level holds the routes back), sends each in queue order and keeps it until the broker answers: ACCEPTED counts it
/// acknowledged; REJECTED, RELEASED, MODIFIED or a closed link send it again after a backoff, at most
/// <c>MaxRetries</c> times, then count it failed; a lost connection sends it again on the next one, free of charge.
/// </summary>
internal sealed class AmqpSender
{
    private static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly AmqpSettings _settings;
    private readonly IAmqpAddressing _addressing;
    private readonly OutboundQueue _outbound;
    private readonly EndpointCounters _counters;
    private readonly AmqpCurrentConnection _connection;
    private readonly Action<string> _linkFailed;
    private readonly Action _delivered;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _window;
    private int _held;

    /// <param name="linkFailed">Told why the broker closed a link, for the endpoint's health.</param>
    /// <param name="delivered">Told of each accepted send: the broker takes messages again.</param>
    public AmqpSender(string name, AmqpSettings settings, IAmqpAddressing addressing, OutboundQueue outbound, EndpointCounters counters,
        AmqpCurrentConnection connection, Action<string> linkFailed, Action delivered, ILogger log)
    {
        _name = name;
        _settings = settings;
        _addressing = addressing;
        _outbound = outbound;
        _counters = counters;
        _connection = connection;
        _linkFailed = linkFailed;
        _delivered = delivered;
        _log = log;
        _window = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
    }

    /// <summary>Events taken from the outbound queue and not yet acknowledged or failed.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The send loop, until the queue is complete and empty or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _outbound.WaitToReadAsync(cancellationToken))
            {
                await _window.WaitAsync(cancellationToken);
                await _connection.WaitAsync(null, cancellationToken);
                if (!_outbound.TryRead(out var value))
                {
                    _window.Release();
                    continue;
                }
                var address = _addressing.Resolve(value.Topic, out var problem);
                if (address is null)
                {
                    _window.Release();
                    _counters.CountFailed();
                    _log.LogError("AMQP endpoint {Endpoint}: event {Id} not sent: {Problem}", _name, value.Id, problem);
                    continue;
                }
                Interlocked.Increment(ref _held);
                // Runs synchronously up to the library's send, so sends leave in queue order.
                _ = DeliverAsync(new AmqpOutgoing(value, address, JmsHeaderMapping.ToMessage(value, address, _settings.Durable)), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(AmqpOutgoing outgoing, CancellationToken cancellationToken)
    {
        AmqpLinks? lost = null;
        try
        {
            while (true)
            {
                var links = await _connection.WaitAsync(lost, cancellationToken);
                var sending = links.SendAsync(outgoing.Address, AmqpMessages.ToAmqp(outgoing.Message));
                if (!outgoing.Sent)
                {
                    outgoing.Sent = true;
                    _counters.CountPublished();
                }
                var result = await sending.WaitAsync(cancellationToken);
                switch (result.Status)
                {
                    case AmqpSendStatus.Accepted:
                        Release();
                        _counters.CountAcknowledged();
                        Rx.Mediation.Diagnostics.MediationMeter.Acknowledged(_name, outgoing.Event); // settled as accepted: latency to the broker's ack
                        _delivered();
                        return;
                    case AmqpSendStatus.ConnectionLost:
                        // Maybe the broker has it, maybe not: at least once means sending it again on the next connection.
                        lost = links;
                        continue;
                    case AmqpSendStatus.LinkClosed:
                        var detail = $"cannot send to '{outgoing.Address}': {result.Reason}";
                        _linkFailed(detail);
                        if (!await RetryAsync(outgoing, detail, cancellationToken)) return;
                        continue;
                    default:
                        if (!await RetryAsync(outgoing, result.Reason ?? "refused", cancellationToken)) return;
                        continue;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the endpoint counts what is still held.
        }
    }

    /// <summary>False when the event is out of retries (then counted as failed).</summary>
    private async Task<bool> RetryAsync(AmqpOutgoing outgoing, string reason, CancellationToken cancellationToken)
    {
        outgoing.Attempts++;
        if (outgoing.Attempts > _settings.MaxRetries)
        {
            Release();
            _counters.CountFailed();
            _log.LogError("AMQP endpoint {Endpoint}: event {Id} to {Address} failed after {Attempts} attempts: {Reason}",
                _name, outgoing.Event.Id, outgoing.Address, outgoing.Attempts, reason);
            return false;
        }
        _counters.CountRetried();
        _log.LogDebug("AMQP endpoint {Endpoint}: event {Id} to {Address} refused ({Reason}); retry {Attempt}", _name, outgoing.Event.Id, outgoing.Address, reason, outgoing.Attempts);
        await Task.Delay(Backoff(_settings.RetryBackoff, MaxRetryBackoff, outgoing.Attempts), cancellationToken);
        return true;
    }

    private void Release()
    {
        Interlocked.Decrement(ref _held);
        _window.Release();
    }

    /// <summary><paramref name="initial"/> doubled per attempt after the first, at most <paramref name="max"/>, at least 1 ms.</summary>
    public static TimeSpan Backoff(TimeSpan initial, TimeSpan max, int attempt)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 16));
        var delay = TimeSpan.FromMilliseconds(Math.Min(initial.TotalMilliseconds * factor, max.TotalMilliseconds));
        return delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay;
    }
}

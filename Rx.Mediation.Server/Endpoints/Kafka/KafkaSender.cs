using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;

namespace Rx.Mediation.Server.Endpoints.Kafka;

/// <summary>
/// The sending half: routes enqueue events without blocking (a bounded queue; full means dropped and counted), one loop
/// hands them to the idempotent producer, at most <see cref="KafkaEndpointOptions.MaxInFlight"/> await their delivery
/// report, and a failed report is sent again with backoff up to <see cref="KafkaEndpointOptions.SendRetries"/> times.
/// librdkafka itself retries within <c>message.timeout.ms</c> (and keeps order per partition); the retries here cover
/// what is left after that, so a retried event may land after later ones.
/// </summary>
internal sealed class KafkaSender : IAsyncDisposable
{
    private readonly KafkaEndpointOptions _options;
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly Channel<Event> _queue;
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _dropsLogged;

    public KafkaSender(KafkaEndpointOptions options, IProducer<byte[]?, byte[]> producer, EndpointCounters counters, ILogger logger)
    {
        _options = options;
        _producer = producer;
        _counters = counters;
        _logger = logger;
        _queue = Channel.CreateBounded<Event>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _inFlight = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Thread-safe, never blocks: called from route drains.</summary>
    public void Enqueue(Event value)
    {
        if (_queue.Writer.TryWrite(value)) return;
        _counters.CountDropped();
        // One line per 1,000 drops: a flood of identical warnings would hide everything else.
        if (Interlocked.Increment(ref _dropsLogged) % 1000 == 1)
            _logger.LogWarning("Kafka endpoint '{Endpoint}' dropped event {Id} on {Topic}: the outbound queue ({Capacity}) is full or closed; {Dropped} dropped so far",
                _options.Name, value.Id, value.Topic, _options.QueueCapacity, _counters.Dropped);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var value in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _inFlight.WaitAsync(_stop.Token).ConfigureAwait(false);
                _counters.CountPublished();
                await SendAsync(value, 0).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Hands one event to librdkafka; waits (not blocking a thread) while librdkafka's own queue is full.</summary>
    private async Task SendAsync(Event value, int attempt)
    {
        var topic = _options.Topics.Resolve(value, out var error);
        if (topic is null)
        {
            Fail(value, error!);
            return;
        }
        var message = KafkaMessages.ToMessage(value, _options.KeyHeader);
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, report => OnDelivered(value, attempt, report));
                return;
            }
            catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull && !_stop.IsCancellationRequested)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
            catch (ProduceException<byte[]?, byte[]> ex)
            {
                Fail(value, $"{ex.Error.Reason} ({ex.Error.Code})");
                return;
            }
            catch (Exception ex) when (ex is KafkaException or ObjectDisposedException or ArgumentException)
            {
                Fail(value, ex.Message);
                return;
            }
        }
    }

    // On librdkafka's poll thread: must not block, so a resend is scheduled rather than done here.
    private void OnDelivered(Event value, int attempt, DeliveryReport<byte[]?, byte[]> report)
    {
        if (!report.Error.IsError)
        {
            _counters.CountAcknowledged();
            _inFlight.Release();
            return;
        }
        if (attempt < _options.SendRetries && !_stop.IsCancellationRequested && !report.Error.IsFatal)
        {
            _counters.CountRetried();
            _logger.LogWarning("Kafka endpoint '{Endpoint}': sending event {Id} to {Topic} failed ({Reason}); retry {Attempt} of {Retries}",
                _options.Name, value.Id, report.Topic, report.Error.Reason, attempt + 1, _options.SendRetries);
            var backoff = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, attempt), 5000));
            _ = Task.Delay(backoff).ContinueWith(_ => SendAsync(value, attempt + 1), TaskScheduler.Default).Unwrap();
            return;
        }
        Fail(value, $"{report.Error.Reason} ({report.Error.Code}) after {attempt + 1} attempt(s)");
    }

    private void Fail(Event value, string reason)
    {
        _counters.CountFailed();
        _inFlight.Release();
        _logger.LogError("Kafka endpoint '{Endpoint}' could not send event {Id} (topic {Topic}): {Reason}", _options.Name, value.Id, value.Topic, reason);
    }

    /// <summary>Stops taking events, then waits up to <paramref name="timeout"/> for the queue and the in-flight sends.</summary>
    public async Task FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        var deadline = DateTime.UtcNow + timeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await _loop.WaitAsync(bounded.Token).ConfigureAwait(false);
            while (_counters.InFlight > 0 && !bounded.IsCancellationRequested)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                // Flush blocks until librdkafka has delivery reports for everything handed to it, or the time is up.
                await Task.Run(() => _producer.Flush(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        var unsent = _queue.Reader.Count + _counters.InFlight;
        if (unsent > 0)
            _logger.LogWarning("Kafka endpoint '{Endpoint}' stopped with {Unsent} event(s) not confirmed by Kafka within {Timeout}", _options.Name, unsent, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}

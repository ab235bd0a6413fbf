using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;

namespace Rx.Mediation.Connectors.Sending;

/// <summary>
/// The sending half every broker connector shares: outbound queue → in-flight window → send → acknowledged, failed, or
/// sent again with backoff → counters and metrics. Routes write without blocking into a bounded queue whose fill level
/// is the endpoint's <see cref="Pressure"/> (routes hold back at half of it; full all the same is a counted drop). One
/// loop takes events only while a connection is open and the window has room, so while the broker is away they wait
/// in the queue, where the routes feel them. Each send is kept until the broker answers (at least once): a failed
/// connection sends it again once reconnected, however long that takes; a refusal sends it again
/// <see cref="SendPipelineOptions.RefusalRetries"/> times; a rejection fails it at once. The resend policy is a Polly
/// retry pipeline.
/// </summary>
/// <remarks>
/// Kafka does not use this pipeline: librdkafka keeps its own queue, in-flight window and resends (in order, per
/// partition, idempotently), and reports deliveries in batches on its own thread; a Task per message on top of that
/// costs most of its throughput. The Kafka sender shares the outbound queue, its pressure and the counters.
/// </remarks>
public sealed class SendPipeline<TMessage>
{
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(5);

    private readonly string _endpoint;
    private readonly SendPipelineOptions _options;
    private readonly IBrokerSender<TMessage> _sender;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly Action<string?>? _reportProblem;
    private readonly OutboundQueue _queue;
    private readonly SendWindow _window;
    private readonly ResiliencePipeline<SendResult> _resends;
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;
    private long _lastDropLog = long.MinValue;
    private volatile bool _problemReported;
    private volatile bool _stopped;

    /// <param name="endpoint">The endpoint's name, for logs and metrics.</param>
    /// <param name="reportProblem">
    /// Told of refusals worth showing in the endpoint's health ("publishing refused, retrying: …", "publishing failed: …"),
    /// and told null once a send is acknowledged again.
    /// </param>
    public SendPipeline(string endpoint, SendPipelineOptions options, IBrokerSender<TMessage> sender, EndpointCounters counters, ILogger logger,
        Action<string?>? reportProblem = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = endpoint;
        _options = options;
        _sender = sender;
        _counters = counters;
        _logger = logger;
        _reportProblem = reportProblem;
        // One pressure for the endpoint's whole life: routes capture it when they are built.
        _queue = new OutboundQueue(options.OutboundCapacity, OutboundPressure.ForQueue(options.OutboundCapacity, options.OutboundMaxBytes), options.OutboundMaxBytes);
        _window = new SendWindow(options.MaxInFlight);
        _resends = BuildResends(options);
    }

    public OutboundPressure Pressure => _queue.Pressure;

    /// <summary>Events waiting in the queue.</summary>
    public int Queued => _queue.Count;

    /// <summary>Events taken from the queue and not yet acknowledged or failed.</summary>
    public int InFlight => _window.InUse;

    /// <summary>Lowers (or restores) the in-flight window to what the broker allows, never above <c>MaxInFlight</c>.</summary>
    public void LimitInFlight(int limit) => _window.Limit(limit);

    /// <summary>Thread-safe and never blocks: a full queue or a stopped endpoint drops the event, counted and logged at most every 5 s.</summary>
    public bool Enqueue(Event value)
    {
        if (_queue.TryWrite(value)) return true;
        _counters.CountDropped();
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLog);
        if (now - last >= DropLogInterval.TotalMilliseconds && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            _logger.LogWarning("{Kind} endpoint '{Endpoint}': dropped event {Id} for topic {Topic}: {Reason} (dropped so far: {Dropped})",
                _options.Kind, _endpoint, value.Id, value.Topic,
                _stopped ? "the endpoint is stopped" : $"the outbound queue is full ({_options.OutboundCapacity} events or {_options.OutboundMaxBytes} bytes)",
                _counters.Dropped);
        }
        return false;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>
    /// Takes no more events and sends what is queued within <paramref name="timeout"/>; whatever is then neither
    /// acknowledged nor failed is counted as failed, and no route keeps waiting for room here.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopped = true;
        _queue.Complete();
        if (await Task.WhenAny(_loop, Task.Delay(timeout)).ConfigureAwait(false) != _loop)
        {
            _logger.LogWarning("{Kind} endpoint '{Endpoint}': {Queued} events not sent and {InFlight} not acknowledged within {Timeout} of stopping; counted as failed",
                _options.Kind, _endpoint, Queued, InFlight, timeout);
        }
        await _abort.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // Cancelled sends count themselves as failed; a client that ignores cancellation is not waited for forever.
        try
        {
            await _window.WhenIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("{Kind} endpoint '{Endpoint}': {InFlight} sends did not end when cancelled", _options.Kind, _endpoint, InFlight);
        }
        for (var left = _queue.TakeAll(); left > 0; left--) _counters.CountFailed();
    }

    /// <summary>Sends what is queued, then waits for the answers, until the queue is completed and empty.</summary>
    private async Task RunAsync()
    {
        var stop = _abort.Token;
        try
        {
            while (await _queue.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                await _sender.WhenReadyAsync(stop).ConfigureAwait(false);
                await _window.EnterAsync(stop).ConfigureAwait(false);
                if (!_queue.TryRead(out var value))
                {
                    _window.Exit();
                    continue;
                }
                if (!_sender.TryPrepare(value, out var message, out var problem))
                {
                    Fail(value, problem, LogLevel.Error);
                    continue;
                }
                _counters.CountPublished();
                // Runs synchronously up to the client's send, so sends leave in queue order.
                _ = DeliverAsync(value, message, stop);
            }
            await _window.WhenIdleAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One event until the broker's final answer. The first attempt is made directly (the path nearly every event
    /// takes); only an event that needs another attempt enters the retry strategy, which is handed that first outcome
    /// and waits before the next.
    /// </summary>
    private async Task DeliverAsync(Event value, TMessage message, CancellationToken stop)
    {
        SendResult result;
        var refusals = 0;
        try
        {
            result = Judge(await AttemptAsync(message, stop).ConfigureAwait(false), ref refusals, value);
            if (result.Outcome is SendOutcome.Interrupted or SendOutcome.Refused)
            {
                var delivery = new Delivery(this, value, message) { First = result, Refusals = refusals };
                result = await _resends.ExecuteAsync(static (d, token) => d.Pipeline.RetryAsync(d, token), delivery, stop).ConfigureAwait(false);
                refusals = delivery.Refusals;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: StopAsync has said how many were left.
            _counters.CountFailed();
            _window.Exit();
            return;
        }
        catch (Exception ex)
        {
            result = SendResult.Rejected($"{ex.GetType().Name}: {ex.Message}");
        }
        if (result.Outcome == SendOutcome.Acknowledged)
        {
            _window.Exit();
            _counters.CountAcknowledged();
            MediationMeter.Acknowledged(_endpoint, value);
            if (_problemReported)
            {
                _problemReported = false;
                _reportProblem?.Invoke(null);
            }
            return;
        }
        if (refusals > _options.RefusalRetries) Report($"publishing failed: {result.Problem}");
        Fail(value, result.Problem!, LogLevel.Warning);
    }

    private async ValueTask<SendResult> RetryAsync(Delivery delivery, CancellationToken token)
    {
        if (delivery.First is { } first)
        {
            delivery.First = null;
            return first;
        }
        var refusals = delivery.Refusals;
        var result = Judge(await AttemptAsync(delivery.Message, token).ConfigureAwait(false), ref refusals, delivery.Event);
        delivery.Refusals = refusals;
        return result;
    }

    /// <summary>One send, given up on (as a failed connection) when <see cref="SendPipelineOptions.AttemptTimeout"/> passes without an answer.</summary>
    private ValueTask<SendResult> AttemptAsync(TMessage message, CancellationToken stop) =>
        _options.AttemptTimeout is { } timeout ? AttemptWithinAsync(message, timeout, stop) : _sender.SendAsync(message, stop);

    private async ValueTask<SendResult> AttemptWithinAsync(TMessage message, TimeSpan timeout, CancellationToken stop)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stop);
        bounded.CancelAfter(timeout);
        try
        {
            return await _sender.SendAsync(message, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            return SendResult.Interrupted($"no answer within {timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>A refusal past the allowed number becomes a rejection, so the retry strategy stops; one within it is reported.</summary>
    private SendResult Judge(SendResult result, ref int refusals, Event value)
    {
        if (result.Outcome == SendOutcome.Acknowledged) return result;
        if (result.Outcome == SendOutcome.Refused)
        {
            if (++refusals > _options.RefusalRetries) return SendResult.Rejected($"{result.Problem} (refused {refusals} times)");
            Report($"publishing refused, retrying: {result.Problem}");
        }
        if (result.Outcome != SendOutcome.Rejected && _logger.IsEnabled(LogLevel.Debug))
            _logger.LogDebug("{Kind} endpoint '{Endpoint}': sending event {Id} again: {Problem}", _options.Kind, _endpoint, value.Id, result.Problem);
        return result;
    }

    private void Report(string problem)
    {
        if (_reportProblem is null) return;
        _problemReported = true;
        _reportProblem(problem);
    }

    private void Fail(Event value, string problem, LogLevel level)
    {
        _window.Exit();
        _counters.CountFailed();
        _logger.Log(level, "{Kind} endpoint '{Endpoint}': event {Id} for topic {Topic} failed: {Problem}", _options.Kind, _endpoint, value.Id, value.Topic, problem);
    }

    private ResiliencePipeline<SendResult> BuildResends(SendPipelineOptions options)
    {
        return new ResiliencePipelineBuilder<SendResult>().AddRetry(new RetryStrategyOptions<SendResult>
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Outcome is SendOutcome.Interrupted or SendOutcome.Refused),
            OnRetry = args =>
            {
                _counters.CountRetried();
                return default;
            },
        }).Build();
    }

    /// <summary>One event being sent again: mapped once, sent as is.</summary>
    private sealed class Delivery(SendPipeline<TMessage> pipeline, Event value, TMessage message)
    {
        /// <summary>The outcome of the direct first attempt, handed to the retry strategy as its own first.</summary>
        public SendResult? First { get; set; }

        public SendPipeline<TMessage> Pipeline { get; } = pipeline;

        public Event Event { get; } = value;

        public TMessage Message { get; } = message;

        public int Refusals { get; set; }
    }
}

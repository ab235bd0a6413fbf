using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// The outbound side: a bounded queue that route drains write into without blocking (its fill level is the endpoint's
/// <see cref="OutboundPressure"/>: routes hold back at half of it), and a loop that publishes with publisher confirms,
/// at most <c>MaxInFlight</c> unconfirmed at a time. An event leaves memory only when the broker confirmed it; a lost
/// connection or a closed channel means it is published again (at-least-once). It fails only when the broker itself
/// refuses it repeatedly (nack, channel error, unroutable with Mandatory) or the endpoint stops before it could be
/// sent; both are counted and logged.
/// </summary>
internal sealed class RabbitMqSender
{
    private const int MaxRefusals = 5;
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    private readonly string _name;
    private readonly RabbitMqOptions _options;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task<IChannel>> _channel;
    private readonly Action<string?> _reportProblem;
    private readonly OutboundQueue _queue;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;
    private long _lastDropLog;
    private int _inFlight;
    private volatile bool _problemReported;

    /// <param name="channel">The open publishing channel, waiting while the endpoint (re)connects.</param>
    /// <param name="reportProblem">A refusal by the broker worth showing in health, or null once publishing works again.</param>
    /// <param name="pressure">The endpoint's fill level of <c>OutboundCapacity</c>, told to the routes.</param>
    public RabbitMqSender(string name, RabbitMqOptions options, EndpointCounters counters, OutboundPressure pressure, ILogger logger,
        Func<CancellationToken, Task<IChannel>> channel, Action<string?> reportProblem)
    {
        _name = name;
        _options = options;
        _counters = counters;
        _logger = logger;
        _channel = channel;
        _reportProblem = reportProblem;
        _queue = new OutboundQueue(options.OutboundCapacity, pressure, options.OutboundMaxBytes);
        _slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
    }

    /// <summary>Events waiting to be published (not counting those in flight).</summary>
    public int Queued => _queue.Count;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Thread-safe and never blocks: a full queue drops the event, counted and logged (routes hold back before that).</summary>
    public void Enqueue(Event value)
    {
        if (_queue.TryWrite(value)) return;
        _counters.CountDropped();
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLog);
        if (now - last > 5_000 && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
        {
            _logger.LogWarning("RabbitMQ endpoint '{Endpoint}': outbound queue full ({Capacity} events or {MaxBytes} bytes), dropping event {Id} (dropped so far: {Dropped})",
                _name, _options.OutboundCapacity, _options.OutboundMaxBytes, value.Id, _counters.Dropped);
        }
    }

    /// <summary>Sends what is queued within <paramref name="timeout"/>; what is left is counted as failed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _queue.Complete();
        if (!_loop.IsCompleted)
        {
            var finished = await Task.WhenAny(_loop, Task.Delay(timeout)) == _loop;
            if (!finished)
            {
                _logger.LogWarning("RabbitMQ endpoint '{Endpoint}': {Pending} events not confirmed within {Timeout} of stopping; giving up on them (counted as failed)",
                    _name, Queued + Volatile.Read(ref _inFlight), timeout);
            }
        }
        _abort.Cancel();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        // What is left was announced by the warning above; counted as failed, and no route may keep waiting for room here.
        for (var left = _queue.TakeAll(); left > 0; left--) _counters.CountFailed();
    }

    private async Task RunAsync()
    {
        var token = _abort.Token;
        try
        {
            await foreach (var value in _queue.ReadAllAsync(token))
            {
                try
                {
                    await _slots.WaitAsync(token);
                }
                catch (OperationCanceledException)
                {
                    // Stopped while this one waited for a slot: taken from the queue, never published.
                    _counters.CountFailed();
                    throw;
                }
                Interlocked.Increment(ref _inFlight);
                _ = PublishAsync(value, token).ContinueWith(static (_, state) =>
                {
                    var sender = (RabbitMqSender)state!;
                    Interlocked.Decrement(ref sender._inFlight);
                    sender._slots.Release();
                }, this, TaskScheduler.Default);
            }
            // Wait for the last ones in flight.
            for (var i = 0; i < _options.MaxInFlight; i++) await _slots.WaitAsync(token);
            _slots.Release(_options.MaxInFlight);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(Event value, CancellationToken stop)
    {
        var properties = RabbitMqMapping.ToProperties(value, _options.Persistent);
        var routingKey = _options.RoutingKey ?? value.Topic;
        var refusals = 0;
        var delay = TimeSpan.FromMilliseconds(100);
        _counters.CountPublished();
        while (true)
        {
            string problem;
            try
            {
                var channel = await _channel(stop);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(PublishTimeout);
                try
                {
                    await channel.BasicPublishAsync(_options.Exchange, routingKey, _options.Mandatory, properties, value.Payload, timeout.Token);
                    _counters.CountAcknowledged();
                    Rx.Mediation.Diagnostics.MediationMeter.Acknowledged(_name, value); // publisher confirm: latency to the broker's ack
                    if (_problemReported)
                    {
                        _problemReported = false;
                        _reportProblem(null);
                    }
                    return;
                }
                catch (PublishException ex) when (ex.IsReturn)
                {
                    _counters.CountFailed();
                    _logger.LogWarning("RabbitMQ endpoint '{Endpoint}': event {Id} is unroutable (exchange '{Exchange}', routing key '{RoutingKey}', mandatory): returned by the broker",
                        _name, value.Id, _options.Exchange, routingKey);
                    return;
                }
                catch (PublishException)
                {
                    refusals++;
                    problem = $"the broker nacked a publish to exchange '{_options.Exchange}'";
                }
                catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException
                                           || (ex is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    // A channel closed by the broker while the connection stays up is a refusal (e.g. no such exchange);
                    // a lost connection is not: the event waits for the reconnect however long it takes.
                    var reason = channel.CloseReason;
                    var refusedByBroker = reason is { Initiator: ShutdownInitiator.Peer } && reason.ReplyCode is not (320 or 0) && !IsConnectionLost(ex);
                    if (refusedByBroker) refusals++;
                    problem = ex is OperationCanceledException ? $"no confirm within {PublishTimeout.TotalSeconds:0} s" : RabbitMqErrors.Describe(reason is null ? ex : new Exception(reason.ReplyText));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                _counters.CountFailed();
                return;
            }
            if (refusals >= MaxRefusals)
            {
                _counters.CountFailed();
                _problemReported = true;
                _reportProblem($"publishing failed: {problem}");
                _logger.LogError("RabbitMQ endpoint '{Endpoint}': event {Id} failed after {Attempts} refusals: {Problem}", _name, value.Id, refusals, problem);
                return;
            }
            if (refusals > 0)
            {
                _problemReported = true;
                _reportProblem($"publishing refused, retrying: {problem}");
            }
            _counters.CountRetried();
            _logger.LogDebug("RabbitMQ endpoint '{Endpoint}': republishing event {Id} after {Delay}: {Problem}", _name, value.Id, delay, problem);
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                _counters.CountFailed();
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private static bool IsConnectionLost(Exception ex) =>
        ex is AlreadyClosedException { ShutdownReason.Initiator: ShutdownInitiator.Library } || ex.InnerException is IOException;
}

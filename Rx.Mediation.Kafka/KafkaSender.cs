using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;

namespace Rx.Mediation.Kafka;

/// <summary>
/// The sending half: routes enqueue events without blocking (a bounded queue; full means dropped and counted), one loop
/// hands them to the idempotent producer, and at most <see cref="KafkaEndpointOptions.MaxInFlight"/> await their
/// delivery report. librdkafka itself retries within <c>message.timeout.ms</c> (and keeps order per partition).
/// <para>With <see cref="KafkaEndpointOptions.SendRetries"/> above 0 a failed report is also sent again with backoff, so
/// a retried event may land after later ones. That needs the event until its report: each send then keeps it (and a
/// callback of its own) alive for the whole round trip, which under load promotes every in-flight event out of the
/// youngest GC generation. Without resends (the default) one shared callback settles every report from the report alone.</para>
/// </summary>
internal sealed class KafkaSender : IAsyncDisposable
{
    private readonly KafkaEndpointOptions _options;
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly OutboundQueue _queue;
    private readonly InFlightWindow _inFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, string> _topics = new(StringComparer.Ordinal);
    private long _dropsLogged;
    private readonly KafkaHeaderValues _headerValues = new();
    private readonly Action<DeliveryReport<byte[]?, byte[]>> _settle;

    // Order: the caller produces directly only when nothing is queued and no event is held back (librdkafka's queue
    // full: _holding produces it once there is room, everything after it queues); the loop takes from the queue and
    // produces under the same lock. Everything written to or read from _queue happens under _gate, so its count is
    // exact (and so is the pressure it keeps, which holds the routes back; see KafkaEndpoint.HoldBackMarks).
    private readonly object _gate = new();
    private Task? _holding;
    private bool _closed;

    private const int MaxRememberedTopics = 10_000;

    public KafkaSender(KafkaEndpointOptions options, IProducer<byte[]?, byte[]> producer, EndpointCounters counters, OutboundPressure pressure, ILogger logger)
    {
        _options = options;
        _producer = producer;
        _counters = counters;
        _logger = logger;
        _queue = new OutboundQueue(options.OutboundCapacity, pressure, options.OutboundMaxBytes);
        _inFlight = new InFlightWindow(options.MaxInFlight);
        _settle = OnSettled;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Thread-safe, never waits: called from route drains. With nothing queued and room in the in-flight window the event
    /// goes to librdkafka right here (a synchronous, non-blocking <c>Produce</c>); otherwise it is queued for the send
    /// loop, or dropped and counted when the queue is full. (Handing every event to the loop cost a thread hand-off per
    /// event, more than the <c>Produce</c> call itself.)
    /// </summary>
    public void Enqueue(Event value)
    {
        lock (_gate)
        {
            if (!_closed && _queue.Count == 0 && _holding is null && _inFlight.TryEnter())
            {
                _counters.CountPublished();
                // librdkafka's queue is full: produced once there is room; later events queue behind it.
                if (!TrySend(value, 0, out var message, out var topic)) _holding = HoldAsync(value, topic!, message!);
                return;
            }
            if (!_closed && _queue.TryWrite(value)) return;
        }
        _counters.CountDropped();
        // One line per 1,000 drops: a flood of identical warnings would hide everything else.
        if (Interlocked.Increment(ref _dropsLogged) % 1000 == 1)
            _logger.LogWarning("Kafka endpoint '{Endpoint}' dropped event {Id} on {Topic}: the outbound queue ({Capacity} events or {MaxBytes} bytes) is full or closed; {Dropped} dropped so far",
                _options.Name, value.Id, value.Topic, _options.OutboundCapacity, _options.OutboundMaxBytes, _counters.Dropped);
    }

    // Called under _gate; never completes synchronously (ProduceWhenRoomAsync waits before it tries again), so the
    // caller's assignment to _holding comes before this clears it.
    private async Task HoldAsync(Event value, string topic, Message<byte[]?, byte[]> message)
    {
        await ProduceWhenRoomAsync(value, 0, topic, message).ConfigureAwait(false);
        lock (_gate) _holding = null;
    }

    /// <summary>
    /// Takes the queued events and hands each to librdkafka synchronously; it awaits only when the queue is empty, the
    /// in-flight window is full, or librdkafka's own queue is full.
    /// </summary>
    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            while (await _queue.WaitToReadAsync(token).ConfigureAwait(false))
            {
                var slot = false;
                while (true)
                {
                    if (!slot && !_inFlight.TryEnter()) await _inFlight.EnterAsync(token).ConfigureAwait(false);
                    slot = true;
                    Task? holding;
                    lock (_gate)
                    {
                        holding = _holding;
                        if (holding is null)
                        {
                            if (!_queue.TryRead(out var value)) break;
                            slot = false;
                            _counters.CountPublished();
                            if (!TrySend(value, 0, out var message, out var topic)) _holding = holding = HoldAsync(value, topic!, message!);
                        }
                    }
                    // An event waits for room in librdkafka's queue: everything queued goes after it.
                    if (holding is not null) await holding.ConfigureAwait(false);
                }
                if (slot) _inFlight.Exit();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Hands one event to librdkafka (a resend after a failed delivery report comes here from a timer).</summary>
    private async Task SendAsync(Event value, int attempt)
    {
        if (!TrySend(value, attempt, out var message, out var topic)) await ProduceWhenRoomAsync(value, attempt, topic!, message!).ConfigureAwait(false);
    }

    /// <summary>
    /// Produces <paramref name="value"/>, or fails it (counted, logged); false only when librdkafka's queue is full,
    /// with the message and topic to produce once there is room.
    /// </summary>
    private bool TrySend(Event value, int attempt, out Message<byte[]?, byte[]>? message, out string? topic)
    {
        message = null;
        topic = ResolveTopic(value, out var error);
        if (topic is null)
        {
            Fail(value, error!);
            return true;
        }
        message = KafkaMessages.ToMessage(value, _options.KeyHeader, _headerValues);
        return TryProduce(value, attempt, topic, message);
    }

    /// <summary>Waits (not blocking a thread) while librdkafka's own queue is full.</summary>
    private async Task ProduceWhenRoomAsync(Event value, int attempt, string topic, Message<byte[]?, byte[]> message)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        do
        {
            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
        while (!TryProduce(value, attempt, topic, message));
    }

    private bool TryProduce(Event value, int attempt, string topic, Message<byte[]?, byte[]> message)
    {
        try
        {
            _producer.Produce(topic, message, _options.SendRetries == 0 ? _settle : report => OnDelivered(value, attempt, report));
            return true;
        }
        catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull && !_stop.IsCancellationRequested)
        {
            return false;
        }
        catch (ProduceException<byte[]?, byte[]> ex)
        {
            Fail(value, $"{ex.Error.Reason} ({ex.Error.Code})");
            return true;
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException or ArgumentException)
        {
            Fail(value, ex.Message);
            return true;
        }
    }

    /// <summary>The Kafka topic for an event's topic, remembered: the router's answer depends on the topic alone.</summary>
    private string? ResolveTopic(Event value, out string? error)
    {
        error = null;
        if (_topics.TryGetValue(value.Topic, out var known)) return known;
        var topic = _options.Topics.Resolve(value, out error);
        if (topic is not null && _topics.Count < MaxRememberedTopics) _topics.TryAdd(value.Topic, topic);
        return topic;
    }

    /// <summary>
    /// Settles a report without the event (no resends): on librdkafka's poll thread. The report carries the message's
    /// key and timestamp (<see cref="KafkaEndpointOptions.DeliveryReportFields"/>), for the failure log and the latency.
    /// A topic that stamps LogAppendTime reports the broker's time instead of the event's: no latency is recorded then.
    /// </summary>
    private void OnSettled(DeliveryReport<byte[]?, byte[]> report)
    {
        var message = report.Message;
        if (!report.Error.IsError)
        {
            // The event's timestamp is the message's CreateTime.
            Acknowledged(message is null ? null : KafkaMessages.CreatedAt(message.Timestamp));
            return;
        }
        Settle(failed: true);
        var key = message?.Key is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : "(none)";
        _logger.LogError("Kafka endpoint '{Endpoint}' could not send the message with key {Key} (the event id unless {KeyHeader} set one) to {Topic}: {Reason}",
            _options.Name, key, _options.KeyHeader, report.Topic, $"{report.Error.Reason} ({report.Error.Code})");
    }

    // On librdkafka's poll thread: must not block, so a resend is scheduled rather than done here.
    private void OnDelivered(Event value, int attempt, DeliveryReport<byte[]?, byte[]> report)
    {
        if (!report.Error.IsError)
        {
            Acknowledged(value.Timestamp);
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

    /// <summary>A delivery report confirmed a send: counted, its latency from <paramref name="created"/> (when known) recorded.</summary>
    private void Acknowledged(DateTimeOffset? created)
    {
        if (created is { } stamped) Rx.Mediation.Diagnostics.MediationMeter.Acknowledged(_options.Name, stamped);
        Settle(failed: false);
    }

    /// <summary>A send is over, one way or the other: counted, and its in-flight slot is free.</summary>
    private void Settle(bool failed)
    {
        if (failed) _counters.CountFailed();
        else _counters.CountAcknowledged();
        _inFlight.Exit();
    }

    private void Fail(Event value, string reason)
    {
        Settle(failed: true);
        _logger.LogError("Kafka endpoint '{Endpoint}' could not send event {Id} (topic {Topic}): {Reason}", _options.Name, value.Id, value.Topic, reason);
    }

    /// <summary>
    /// The <see cref="KafkaEndpointOptions.MaxInFlight"/> window. Lock-free while there is room. When it is full the send
    /// loop waits until a quarter of it is free again, not for one slot: delivery reports arrive in batches on
    /// librdkafka's poll thread, and resuming the loop (a thread-pool hand-off) for every single report cost more than
    /// the sends it let through. Entered without waiting by the caller (under the sender's lock) and by the send loop, which
    /// alone waits (a resend keeps its slot); left from any thread.
    /// </summary>
    private sealed class InFlightWindow(int limit)
    {
        private readonly int _resumeAt = Math.Max(0, limit - Math.Max(1, limit / 4));
        private readonly SemaphoreSlim _room = new(0, 1);
        private int _count;
        private int _waiting;

        public bool TryEnter()
        {
            var count = Volatile.Read(ref _count);
            while (count < limit)
            {
                var seen = Interlocked.CompareExchange(ref _count, count + 1, count);
                if (seen == count) return true;
                count = seen;
            }
            return false;
        }

        /// <summary>Waits for room (the send loop only: one waiter at a time), then takes a slot.</summary>
        public async Task EnterAsync(CancellationToken cancellationToken)
        {
            while (!TryEnter())
            {
                // Announce the wait, then look again: a report that freed the room before the announcement is seen here,
                // one after it sees the announcement (both sides use full fences) and releases _room.
                Interlocked.Exchange(ref _waiting, 1);
                if (Volatile.Read(ref _count) <= _resumeAt)
                {
                    // A report may have taken the announcement already: then its release is ours to consume.
                    if (Interlocked.Exchange(ref _waiting, 0) == 0) await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Exit()
        {
            if (Interlocked.Decrement(ref _count) <= _resumeAt && Volatile.Read(ref _waiting) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
                _room.Release();
        }
    }

    /// <summary>Stops taking events, then waits up to <paramref name="timeout"/> for the queue and the in-flight sends.</summary>
    public async Task FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Close();
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
        var unsent = _queue.Count + _counters.InFlight;
        if (unsent > 0)
            _logger.LogWarning("Kafka endpoint '{Endpoint}' stopped with {Unsent} event(s) not confirmed by Kafka within {Timeout}", _options.Name, unsent, timeout);
    }

    private void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _queue.Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        // What never left the queue is dropped, counted and said, and the routes stop waiting for room here.
        int left;
        lock (_gate) left = _queue.TakeAll();
        for (var i = 0; i < left; i++) _counters.CountDropped();
        if (left > 0) _logger.LogWarning("Kafka endpoint '{Endpoint}' stopped with {Left} event(s) still queued: dropped", _options.Name, left);
    }
}

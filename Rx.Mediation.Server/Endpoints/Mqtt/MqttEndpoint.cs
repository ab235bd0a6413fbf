using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Endpoints.Mqtt.Native;

namespace Rx.Mediation.Server.Endpoints.Mqtt;

/// <summary>
/// An MQTT 5 broker connection through libmosquitto. Sending: routes write into a bounded queue whose fill level is the
/// endpoint's <see cref="Pressure"/>, so routes hold back at half of it (full all the same → counted drop); one sender
/// publishes with the endpoint's QoS, at most <see cref="MqttEndpointOptions.MaxInFlight"/> unacknowledged, and counts
/// the broker's PUBACK/PUBCOMP. libmosquitto keeps QoS 1/2 messages it has taken and sends them again after a
/// reconnect, so an accepted event is published at least once while the process lives. Receiving: each message is
/// offered to the routes on libmosquitto's network thread, which sends the PUBACK only after the callback returns, so
/// a message is acknowledged only once the routes accepted it (or took no interest in it).
/// </summary>
public sealed class MqttEndpoint : MediationNode, IEndpoint
{
    private readonly MqttEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly OutboundQueue _outbound;
    private readonly SemaphoreSlim _window;
    private readonly object _gate = new();
    private readonly Dictionary<int, Event> _pending = [];
    private readonly Dictionary<int, int> _earlyAcks = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandonSend = new();
    private readonly string _where;
    private volatile TaskCompletionSource _connected = NewSignal();
    private MosquittoClient? _client;
    private Task _connecting = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private volatile bool _everConnected;
    private volatile bool _loopStarted;
    private volatile bool _stopped;
    private volatile string? _refusal;
    // The send loop was stopped holding an event it had taken from the queue but not handed to libmosquitto.
    private int _abandonedInHand;

    public MqttEndpoint(string name, MqttEndpointOptions options, ILogger<MqttEndpoint> logger) : base(name)
    {
        _options = options;
        _logger = logger;
        _where = options.Description ?? $"MQTT broker {options.Address}";
        // One pressure for the endpoint's whole life: routes capture it when they are built.
        _outbound = new OutboundQueue(options.OutboundCapacity, OutboundPressure.ForQueue(options.OutboundCapacity, options.OutboundMaxBytes), options.OutboundMaxBytes);
        _window = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
    }

    public EndpointCounters Counters { get; } = new();

    /// <summary>
    /// QoS 1/2 publishes are confirmed by the broker (PUBACK/PUBCOMP). Received messages are acknowledged only after
    /// acceptance when the session is persistent and QoS ≥ 1; with a clean session a refused message cannot come back.
    /// </summary>
    public override DeliveryCapabilities Capabilities =>
        (_options.Qos > 0 ? DeliveryCapabilities.ConfirmsSends : DeliveryCapabilities.None)
        | (_options.Qos > 0 && _options.PersistentSession ? DeliveryCapabilities.AcknowledgesAfterAcceptance : DeliveryCapabilities.None);

    public MqttEndpointOptions Options => _options;

    /// <summary>
    /// The outbound queue's fill level: routes sending here hold back at half of <see cref="MqttEndpointOptions.OutboundCapacity"/>
    /// or of <see cref="MqttEndpointOptions.OutboundMaxBytes"/>.
    /// Counts what waits in the queue, not what the send loop took and libmosquitto holds (bounded by MaxInFlight).
    /// </summary>
    public override OutboundPressure Pressure => _outbound.Pressure;

    /// <summary>Queues an event for the broker; never blocks. A full queue or a stopped endpoint is a counted, logged drop.</summary>
    public override void OnNext(Event value)
    {
        if (_outbound.TryWrite(value)) return;
        Counters.CountDropped();
        _logger.LogWarning("MQTT endpoint {Endpoint}: dropped event {Id} for topic {Topic}: {Reason}", Name, value.Id, value.Topic,
            _stopped ? "the endpoint is stopped" : $"the outbound queue is full ({_options.OutboundCapacity} events or {_options.OutboundMaxBytes} bytes)");
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Starting, $"connecting to {_where}");
        try
        {
            _client = new MosquittoClient(_options.ClientId ?? $"rx-{Name}-{Guid.NewGuid():N}", _options.CleanStart);
            if (_options.Username is not null) _client.SetCredentials(_options.Username, _options.Password);
            _client.SetInflight(Math.Min(_options.MaxInFlight, 65535), 100);
            _client.SetReconnectDelay(_options.ReconnectDelay, _options.MaxReconnectDelay);
            _client.Connected = OnConnected;
            _client.Disconnected = OnDisconnected;
            _client.Published = OnPublished;
            _client.MessageReceived = OnMessage;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            var detail = ex is DllNotFoundException
                ? $"libmosquitto ({MosquittoNative.Library}) is not installed: apt-get install libmosquitto1"
                : ex.Message;
            SetHealth(NodeHealth.Unhealthy, detail);
            _logger.LogError("MQTT endpoint {Endpoint}: {Detail}", Name, detail);
            return Task.CompletedTask;
        }
        _connecting = Task.Run(ConnectLoopAsync);
        _sending = Task.Run(SendLoopAsync);
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _outbound.Complete();
        using (var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            flush.CancelAfter(_options.StopTimeout);
            try
            {
                await _sending.WaitAsync(flush.Token);
                while (PendingCount > 0) await Task.Delay(20, flush.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _abandonSend.Cancel();
        _stopping.Cancel();
        // The loop ends at once when cancelled; waiting for it means it no longer reads while the rest is counted.
        await Task.WhenAny(_sending, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        // Whatever else is pending is accounted for (failed below); no route may keep waiting for room here.
        var left = Volatile.Read(ref _abandonedInHand) + _outbound.TakeAll();
        var unacknowledged = PendingCount;
        if (left + unacknowledged > 0)
        {
            for (var i = 0; i < left; i++) Counters.CountFailed();
            _logger.LogWarning("MQTT endpoint {Endpoint}: stopped with {Queued} events not sent and {InFlight} not acknowledged by {Where}", Name, left, unacknowledged, _where);
        }
        await ShutdownClientAsync();
        SetHealth(NodeHealth.Stopped);
    }

    private int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    private async Task ShutdownClientAsync()
    {
        var client = _client;
        if (client is null) return;
        try
        {
            await _connecting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("MQTT endpoint {Endpoint}: a connection attempt to {Where} did not finish; leaving the client behind", Name, _where);
            return;
        }
        client.Disconnect();
        if (_loopStarted)
        {
            // Not forced: cancelling the network thread could cut it inside a managed callback.
            var stopped = Task.Run(() => client.StopLoop(force: false));
            if (await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(10))) != stopped)
            {
                _logger.LogWarning("MQTT endpoint {Endpoint}: the libmosquitto network thread did not stop; leaving the client behind", Name);
                return;
            }
        }
        client.Dispose();
    }

    private async Task ConnectLoopAsync()
    {
        var delay = _options.ReconnectDelay;
        string? lastProblem = null;
        while (!_stopping.IsCancellationRequested)
        {
            var (code, errno) = _client!.Connect(_options.Host, _options.Port, _options.KeepAliveSeconds, _options.SessionExpirySeconds);
            if (code == MosquittoErrors.Success)
            {
                _client.StartLoop();
                _loopStarted = true;
                return;
            }
            var problem = $"{MosquittoErrors.Describe(code, errno)} to {_where}";
            SetHealth(NodeHealth.Unhealthy, problem);
            if (problem != lastProblem) _logger.LogWarning("MQTT endpoint {Endpoint}: {Problem}; retrying every {Delay} at most", Name, problem, _options.MaxReconnectDelay);
            lastProblem = problem;
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private void OnConnected(int reasonCode, string reason)
    {
        if (reasonCode != 0)
        {
            var detail = $"{_where} refused the connection: {reason}";
            SetHealth(NodeHealth.Unhealthy, detail);
            if (detail != _refusal) _logger.LogWarning("MQTT endpoint {Endpoint}: {Detail}; retrying", Name, detail);
            _refusal = detail;
            return;
        }
        if (_everConnected)
        {
            Counters.CountReconnect();
            _logger.LogInformation("MQTT endpoint {Endpoint}: reconnected to {Where}", Name, _where);
        }
        _everConnected = true;
        _refusal = null;
        // Subscribing again on every connect: a clean session has none, and a resumed one ignores the repeat.
        foreach (var filter in _options.Subscriptions)
        {
            var rc = _client!.Subscribe(filter, _options.Qos);
            if (rc != 0) _logger.LogError("MQTT endpoint {Endpoint}: could not subscribe to {Filter}: {Error}", Name, filter, MosquittoErrors.Describe(rc));
        }
        SetHealth(NodeHealth.Healthy);
        _connected.TrySetResult();
    }

    private void OnDisconnected(int reasonCode, string reason)
    {
        if (_connected.Task.IsCompleted) _connected = NewSignal();
        if (_stopping.IsCancellationRequested || reasonCode == 0) return;
        // After a refused CONNECT libmosquitto reports the dropped connection too: the refusal is the news.
        if (_refusal is { } refusal)
        {
            SetHealth(NodeHealth.Unhealthy, refusal);
            return;
        }
        var detail = $"connection to {_where} lost ({reason}); reconnecting";
        SetHealth(NodeHealth.Degraded, detail);
        _logger.LogWarning("MQTT endpoint {Endpoint}: {Detail}", Name, detail);
    }

    private async Task SendLoopAsync()
    {
        var token = _abandonSend.Token;
        try
        {
            await foreach (var value in _outbound.ReadAllAsync(token))
            {
                try
                {
                    await PublishAsync(value, token);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled before libmosquitto took it (waiting for the connection or the window): StopAsync counts it.
                    Volatile.Write(ref _abandonedInHand, 1);
                    throw;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishAsync(Event value, CancellationToken token)
    {
        var problem = MqttTopics.CheckPublishTopic(value.Topic) ?? _options.PublishTopicCheck?.Invoke(value.Topic);
        MqttProperties properties;
        try
        {
            properties = MqttHeaders.ToProperties(value.Headers);
        }
        catch (FormatException ex)
        {
            properties = new MqttProperties();
            problem ??= ex.Message;
        }
        if (problem is not null)
        {
            Fail(value, problem);
            return;
        }
        var payload = value.Payload.ToArray();
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            await _connected.Task.WaitAsync(token);
            await _window.WaitAsync(token);
            var (code, mid) = _client!.Publish(value.Topic, payload, _options.Qos, _options.Retain, properties);
            // For QoS 1/2 "no connection" comes after libmosquitto queued the message: it sends it after reconnecting.
            if (code == MosquittoErrors.Success || (code == MosquittoErrors.NoConnection && _options.Qos > 0))
            {
                Counters.CountPublished();
                Track(mid, value);
                return;
            }
            _window.Release();
            if (code is MosquittoErrors.NoConnection or MosquittoErrors.ConnectionLost)
            {
                Counters.CountRetried();
                await Task.Delay(backoff, token);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                continue;
            }
            Fail(value, MosquittoErrors.Describe(code));
            return;
        }
    }

    private void Track(int mid, Event value)
    {
        int reasonCode;
        lock (_gate)
        {
            if (!_earlyAcks.Remove(mid, out reasonCode))
            {
                _pending[mid] = value;
                return;
            }
        }
        Complete(value, reasonCode);
    }

    private void OnPublished(int mid, int reasonCode)
    {
        Event? value;
        lock (_gate)
        {
            // The acknowledgement can beat Track on a fast loopback broker.
            if (!_pending.Remove(mid, out value))
            {
                _earlyAcks[mid] = reasonCode;
                return;
            }
        }
        Complete(value, reasonCode);
    }

    private void Complete(Event value, int reasonCode)
    {
        _window.Release();
        if (reasonCode < 0x80)
        {
            Counters.CountAcknowledged();
            Rx.Mediation.Diagnostics.MediationMeter.Acknowledged(Name, value); // PUBACK/PUBCOMP (QoS 0: handed to the socket)
            return;
        }
        Counters.CountFailed();
        _logger.LogWarning("MQTT endpoint {Endpoint}: {Where} refused event {Id} on topic {Topic}: {Reason}", Name, _where, value.Id, value.Topic, MosquittoErrors.Reason(reasonCode));
    }

    private void Fail(Event value, string problem)
    {
        Counters.CountFailed();
        _logger.LogError("MQTT endpoint {Endpoint}: cannot publish event {Id} on topic {Topic}: {Problem}", Name, value.Id, value.Topic, problem);
    }

    /// <summary>
    /// Runs on libmosquitto's network thread and holds it until the routes have an answer: the PUBACK (QoS 1) or
    /// PUBREC (QoS 2) is written only after this returns. Refusals are offered again after the route's RetryAfter;
    /// when they last too long, or the endpoint stops, the connection is cut instead of acknowledging, so a persistent
    /// session gets the message again from the broker.
    /// </summary>
    private void OnMessage(ReceivedMessage message)
    {
        Counters.CountReceived();
        var value = Event.Create(Name, message.Topic, message.Payload, MqttHeaders.FromMessage(message));
        for (var attempt = 0; ; attempt++)
        {
            Admission admission;
            try
            {
                admission = ReceiveAsync(value, _stopping.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                Abandon(message, "the endpoint is stopping");
                return;
            }
            switch (admission.Status)
            {
                case AdmissionStatus.Accepted:
                    Counters.CountAccepted();
                    return;
                case AdmissionStatus.NoRoute:
                    Counters.CountUnrouted();
                    _logger.LogDebug("MQTT endpoint {Endpoint}: no route takes topic {Topic}", Name, message.Topic);
                    return;
            }
            Counters.CountRedelivered();
            if (attempt >= _options.MaxAdmissionRetries)
            {
                Abandon(message, $"the routes refused it {attempt + 1} times ({admission.Reason})");
                return;
            }
            var wait = admission.RetryAfter <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : admission.RetryAfter;
            if (_stopping.Token.WaitHandle.WaitOne(wait))
            {
                Abandon(message, "the endpoint is stopping");
                return;
            }
        }
    }

    private void Abandon(ReceivedMessage message, string why)
    {
        if (message.Qos > 0 && _options.PersistentSession)
        {
            _logger.LogWarning("MQTT endpoint {Endpoint}: not acknowledging the message on {Topic} because {Why}; cutting the connection so {Where} delivers it again", Name, message.Topic, why, _where);
            _client!.Abort();
            return;
        }
        Counters.CountDropped();
        _logger.LogWarning("MQTT endpoint {Endpoint}: dropped the message on {Topic} because {Why} (without a persistent session the broker would not deliver it again)", Name, message.Topic, why);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

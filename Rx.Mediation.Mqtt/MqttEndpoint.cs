using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Connecting;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Mqtt;

/// <summary>
/// An MQTT 5 broker connection through MQTTnet. Sending: the shared <see cref="SendPipeline{TMessage}"/> with
/// <see cref="MqttPublisher"/>: at most <see cref="MqttEndpointOptions.MaxInFlight"/> unacknowledged (fewer if the
/// broker's Receive Maximum says so), and a publish the connection lost before its acknowledgement is sent again once
/// reconnected, so an accepted event is published at least once while the process lives. Receiving: messages are acknowledged by hand (MQTTnet's AutoAcknowledge off), only once the routes
/// accepted them (or took no interest in them).
/// </summary>
public sealed class MqttEndpoint : MediationNode, IBrokerEndpoint
{
    private readonly MqttEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly SendPipeline<MqttApplicationMessage> _sender;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _where;
    private TaskCompletionSource _connected = NewSignal();
    // Completed, with the reason, when the current connection ends (the supervisor then reconnects).
    private TaskCompletionSource<string> _lost = NewReason();
    private IMqttClient? _client;
    private MqttClientOptions? _clientOptions;
    private Task _connecting = Task.CompletedTask;
    private readonly ConnectionSupervisor _supervisor;
    // The endpoint is cutting the current connection to leave unacknowledged messages with the broker.
    private volatile bool _cutting;

    /// <summary>
    /// An endpoint built in code, e.g. in a console app with fluent routes: <paramref name="settings"/> are checked as
    /// configuration is (an <see cref="EndpointConfigurationException"/> names the setting); nothing connects until the
    /// engine starts the endpoint.
    /// </summary>
    public static MqttEndpoint Create(string name, MqttSettings settings, ILoggerFactory? loggerFactory = null) =>
        MqttEndpointProvider.Create(EndpointContext.InCode(name, "mqtt5", loggerFactory), settings);

    public MqttEndpoint(string name, MqttEndpointOptions options, ILogger<MqttEndpoint> logger) : base(name)
    {
        _options = options;
        _logger = logger;
        _where = options.Description ?? $"MQTT broker {options.Address}";
        _supervisor = new ConnectionSupervisor(name, new ConnectionSupervisorOptions
        {
            Kind = "MQTT", Target = _where, InitialDelay = options.ReconnectDelay, MaxDelay = options.MaxReconnectDelay,
        }, Counters, SetHealth, logger);
        _sender = new SendPipeline<MqttApplicationMessage>(name, options.SendPipeline, new MqttPublisher(options, () => _client!, () => _connected.Task), Counters, logger);
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
    /// Counts what waits in the queue, not what was handed to MQTTnet (bounded by MaxInFlight).
    /// </summary>
    public override OutboundPressure Pressure => _sender.Pressure;

    /// <summary>Queues an event for the broker; never blocks. A full queue or a stopped endpoint is a counted, logged drop.</summary>
    public override void OnNext(Event value) => _sender.Enqueue(value);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Starting, $"connecting to {_where}");
        _clientOptions = _options.ToClientOptions(_options.ClientId ?? $"rx-{Name}-{Guid.NewGuid():N}");
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _connecting = Task.Run(() => _supervisor.RunAsync(ConnectOnceAsync, Describe, _stopping.Token));
        _sender.Start();
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _sender.StopAsync(_options.StopTimeout);
        _stopping.Cancel();
        await ShutdownClientAsync();
        SetHealth(NodeHealth.Stopped);
    }

    private async Task ShutdownClientAsync()
    {
        var client = _client;
        if (client is null) return;
        try
        {
            await _connecting.WaitAsync(TimeSpan.FromSeconds(10));
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or MqttCommunicationException)
        {
            _logger.LogWarning("MQTT endpoint {Endpoint}: the connection to {Where} did not close cleanly: {Problem}", Name, _where, MqttErrors.Describe(ex));
        }
        client.Dispose();
    }

    /// <summary>One connection, subscribed; the task it returns completes when that connection ends.</summary>
    private async Task<Task<string>> ConnectOnceAsync(CancellationToken stop)
    {
        TaskCompletionSource<string> lost;
        lock (_gate) _lost = lost = NewReason();
        var result = await _client!.ConnectAsync(_clientOptions!, stop);
        if (result.ResultCode != MqttClientConnectResultCode.Success) throw new ConnectionRefusedException(Refused(result.ResultCode, result.ReasonString));
        await OnConnectedAsync(result);
        return lost.Task;
    }

    private string Describe(Exception ex) => _options.Tls?.Describe(ex) ?? MqttErrors.Describe(ex);

    private static string Refused(MqttClientConnectResultCode code, string? reason) =>
        $"the broker refused the connection: {MqttErrors.Reason(code)}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}";

    private async Task OnConnectedAsync(MqttClientConnectResult result)
    {
        _sender.LimitInFlight(result.ReceiveMaximum is { } maximum and > 0 ? maximum : ushort.MaxValue);
        // Subscribing again on every connect: a clean session has none, and a resumed one ignores the repeat.
        foreach (var filter in _options.Subscriptions)
        {
            var subscription = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, (MqttQualityOfServiceLevel)_options.Qos).Build();
            try
            {
                var granted = await _client!.SubscribeAsync(subscription, _stopping.Token);
                foreach (var item in granted.Items.Where(i => (int)i.ResultCode >= 0x80))
                    _logger.LogError("MQTT endpoint {Endpoint}: could not subscribe to {Filter}: {Error}", Name, filter, MqttErrors.Reason(item.ResultCode));
            }
            catch (MqttCommunicationException ex)
            {
                // The connection went away while subscribing: the next connect subscribes again.
                _logger.LogWarning("MQTT endpoint {Endpoint}: could not subscribe to {Filter}: {Error}", Name, filter, MqttErrors.Describe(ex));
            }
        }
        lock (_gate)
        {
            if (_lost.Task.IsCompleted || !_client!.IsConnected) return;
            SetHealth(NodeHealth.Healthy);
            _connected.TrySetResult();
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // A refused or failed connect is reported by the supervisor from the connect call itself.
        var reason = _cutting
            ? "cut by the endpoint to leave unacknowledged messages with the broker"
            : e.Exception is { } ex ? MqttErrors.Describe(ex) : MqttErrors.Reason(e.Reason) + (string.IsNullOrEmpty(e.ReasonString) ? "" : ": " + e.ReasonString);
        lock (_gate)
        {
            if (_connected.Task.IsCompleted) _connected = NewSignal();
            _lost.TrySetResult(reason);
        }
        // Done cutting once the connection is gone, not once the next one is up: the broker resends what was left
        // unacknowledged right after accepting the new connection, possibly before the connected handler runs, and
        // a message skipped then would wait for yet another reconnect.
        _cutting = false;
        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet hands messages over one at a time and sends the PUBACK (QoS 1) or PUBREC (QoS 2) only when asked, so a
    /// message is acknowledged once the routes have an answer. Refusals are offered again after the route's RetryAfter;
    /// when they last too long, or the endpoint stops, the connection is cut instead of acknowledging, so a persistent
    /// session gets the message again from the broker.
    /// </summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        // Messages behind one left unacknowledged come again with it after the cut.
        if (_cutting) return;
        var message = ReceivedMessage.From(e.ApplicationMessage, e.PacketIdentifier);
        Counters.CountReceived();
        var value = Event.Create(Name, message.Topic, message.Payload, MqttHeaders.FromMessage(message));
        for (var attempt = 0; ; attempt++)
        {
            Admission admission;
            try
            {
                admission = await ReceiveAsync(value, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                await AbandonAsync(e, message, "the endpoint is stopping");
                return;
            }
            switch (admission.Status)
            {
                case AdmissionStatus.Accepted:
                    Counters.CountAccepted();
                    await AcknowledgeAsync(e, message);
                    return;
                case AdmissionStatus.NoRoute:
                    Counters.CountUnrouted();
                    _logger.LogDebug("MQTT endpoint {Endpoint}: no route takes topic {Topic}", Name, message.Topic);
                    await AcknowledgeAsync(e, message);
                    return;
            }
            Counters.CountRedelivered();
            if (attempt >= _options.MaxAdmissionRetries)
            {
                await AbandonAsync(e, message, $"the routes refused it {attempt + 1} times ({admission.Reason})");
                return;
            }
            var wait = admission.RetryAfter <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : admission.RetryAfter;
            try
            {
                await Task.Delay(wait, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                await AbandonAsync(e, message, "the endpoint is stopping");
                return;
            }
            if (!_client!.IsConnected)
            {
                await AbandonAsync(e, message, "the connection was lost");
                return;
            }
        }
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e, ReceivedMessage message)
    {
        try
        {
            await e.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or ObjectDisposedException or OperationCanceledException)
        {
            // The broker did not get the acknowledgement: a persistent session delivers the message again.
            _logger.LogDebug("MQTT endpoint {Endpoint}: could not acknowledge the message on {Topic}: {Problem}", Name, message.Topic, MqttErrors.Describe(ex));
        }
    }

    private async Task AbandonAsync(MqttApplicationMessageReceivedEventArgs e, ReceivedMessage message, string why)
    {
        if (message.Qos > 0 && _options.PersistentSession)
        {
            _logger.LogWarning("MQTT endpoint {Endpoint}: not acknowledging the message on {Topic} because {Why}; cutting the connection so {Where} delivers it again", Name, message.Topic, why, _where);
            CutConnection();
            return;
        }
        Counters.CountDropped();
        _logger.LogWarning("MQTT endpoint {Endpoint}: dropped the message on {Topic} because {Why} (without a persistent session the broker would not deliver it again)", Name, message.Topic, why);
        await AcknowledgeAsync(e, message);
    }

    /// <summary>
    /// Closes the connection without acknowledging; the broker keeps the message for the persistent session. Not
    /// awaited: MQTTnet's disconnect waits for the message handler that calls this to return.
    /// </summary>
    private void CutConnection()
    {
        if (_cutting || _stopping.IsCancellationRequested) return;
        _cutting = true;
        var client = _client!;
        _ = Task.Run(async () =>
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.ImplementationSpecificError, ReasonString = "messages left unacknowledged" });
            }
            catch (Exception ex) when (ex is MqttCommunicationException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                _logger.LogDebug("MQTT endpoint {Endpoint}: the connection ended while being cut: {Problem}", Name, MqttErrors.Describe(ex));
            }
        });
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<string> NewReason() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

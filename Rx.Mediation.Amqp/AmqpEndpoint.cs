using System.Threading.Channels;
using Amqp.Framing;
using Amqp;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Connecting;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Amqp;

/// <summary>
/// An AMQP 1.0 endpoint (JMS-style queues and topics) on AMQPNetLite. What routes send it goes to a bounded outbound
/// queue (its fill level is the endpoint's <see cref="Pressure"/>: routes hold back at half of it) and from there to
/// the broker through the shared <see cref="SendPipeline{TMessage}"/> and <see cref="AmqpPublisher"/>, each message kept until the broker accepts it; the addresses in
/// <c>Receive</c> are consumed with link credit, and each message is settled only after the routes answered: accepted
/// (or unrouted) → ACCEPTED, refused → RELEASED after the routes' Retry-After so the broker delivers it again,
/// malformed → REJECTED. A lost connection is opened again with backoff, its links re-attached.
/// </summary>
public sealed class AmqpEndpoint : MediationNode, IBrokerEndpoint
{
    private readonly ILogger _log;
    private readonly SendPipeline<AmqpOutgoing> _sender;
    private readonly IAmqpAddressing? _addressing;
    private readonly AmqpCurrentConnection _connection = new();
    private readonly Channel<AmqpIncoming> _incoming = Channel.CreateUnbounded<AmqpIncoming>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private AmqpLinks? _links;
    private Task? _connecting;
    private Task _consuming = Task.CompletedTask;
    private string _target;
    private volatile string? _linkError;

    /// <param name="addressing">Topic ↔ address conventions; default: the <c>Address</c> template of <paramref name="settings"/>.</param>
    /// <summary>
    /// An endpoint built in code, e.g. in a console app with fluent routes: <paramref name="settings"/> are checked as
    /// configuration is (an <see cref="EndpointConfigurationException"/> names the setting); nothing connects until the
    /// engine starts the endpoint.
    /// </summary>
    public static AmqpEndpoint Create(string name, AmqpSettings settings, ILoggerFactory? loggerFactory = null) =>
        AmqpEndpointProvider.Create(EndpointContext.InCode(name, "amqp10", loggerFactory), settings);

    public AmqpEndpoint(string name, AmqpSettings settings, ILoggerFactory loggerFactory, IAmqpAddressing? addressing = null) : base(name)
    {
        Settings = settings;
        _addressing = addressing;
        _log = loggerFactory.CreateLogger<AmqpEndpoint>();
        _target = $"{settings.Host}:{settings.EffectivePort}";
        // Open from construction: events routed before StartAsync wait in the queue for the connection.
        _sender = new SendPipeline<AmqpOutgoing>(name, settings.SendPipeline, new AmqpPublisher(settings, Addressing, _connection, LinkFailed, Recovered), Counters, _log);
    }

    public AmqpSettings Settings { get; }

    /// <summary>The topic ↔ address conventions in use (the <c>Address</c> template unless the endpoint type brings its own).</summary>
    public IAmqpAddressing Addressing => _addressing ?? new AmqpAddressTemplate(Settings.Address);

    public EndpointCounters Counters { get; } = new();

    /// <summary>
    /// The outbound queue's fill level: routes sending here hold back at half of <see cref="AmqpSettings.OutboundCapacity"/>
    /// or of <see cref="AmqpSettings.OutboundMaxBytes"/>.
    /// Counts what waits in the queue, not what the sender took (bounded by MaxInFlight).
    /// </summary>
    public override OutboundPressure Pressure => _sender.Pressure;

    /// <summary>Sends count once the peer settles ACCEPTED; received deliveries are accepted only after a route accepted them.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.Both;

    /// <summary>Events waiting in the outbound queue plus those taken by the sender and not yet settled.</summary>
    public int Pending => _sender.Queued + _sender.InFlight;

    public override void OnNext(Event value) => _sender.Enqueue(value);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connecting is not null) return Task.CompletedTask;
        Connectors.Tls.BrokerTls? tls;
        try
        {
            tls = Settings.Tls.ToOptions(Name, $"Mediation:Endpoints:{Name}");
        }
        catch (EndpointConfigurationException ex)
        {
            // Settings bound by the provider were checked already; this is a library user's, or a file gone since.
            _log.LogError("AMQP endpoint {Endpoint}: {Detail}", Name, ex.Message);
            SetHealth(NodeHealth.Unhealthy, ex.Message);
            return Task.CompletedTask;
        }
        var connector = new AmqpConnector(Name, Settings, tls);
        _target = connector.Target;
        SetHealth(NodeHealth.Degraded, $"connecting to {_target}");
        var addressing = Addressing;
        var stopping = _stopping.Token;
        var supervisor = new ConnectionSupervisor(Name, new ConnectionSupervisorOptions
        {
            Kind = "AMQP 1.0", Target = _target, InitialDelay = Settings.ReconnectDelay, MaxDelay = Settings.MaxReconnectDelay,
        }, Counters, SetHealth, _log);
        _connecting = Task.Run(() => supervisor.RunAsync(token => ConnectOnceAsync(connector, addressing, token), connector.Describe, stopping));
        _sender.Start();
        if (Settings.ReceiveAddresses.Count > 0) _consuming = Task.Run(() => ConsumeAsync(stopping));
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_connecting is null)
        {
            // Never started (unusable TLS files): what the routes queued meanwhile is counted as failed and said.
            await _sender.StopAsync(TimeSpan.Zero);
            SetHealth(NodeHealth.Stopped);
            return;
        }
        // Flush first: what the routes handed over should reach the broker, within a bound; the rest counts as failed.
        await _sender.StopAsync(Settings.StopTimeout);
        _stopping.Cancel();
        _incoming.Writer.TryComplete();
        await Task.WhenAll(_connecting, _consuming);
        // Unsettled received messages go back to the broker with the connection.
        if (_links is { } links) await links.CloseAsync(TimeSpan.FromSeconds(5));
        _log.LogInformation("AMQP endpoint {Endpoint} stopped: {Counters}", Name, Counters);
        SetHealth(NodeHealth.Stopped);
    }

    /// <summary>One connection with its receivers attached; the task it returns completes when that connection is lost.</summary>
    private async Task<Task<string>> ConnectOnceAsync(AmqpConnector connector, IAmqpAddressing addressing, CancellationToken cancellationToken)
    {
        var connection = await connector.ConnectAsync(cancellationToken);
        var links = new AmqpLinks(connection, Name, Settings.Durable);
        connection.AddClosedCallback((_, error) => _connection.Lost(links, AmqpErrors.Describe(error) ?? "the broker closed the connection"));
        Opened(links, addressing);
        return links.Lost;
    }

    private void Opened(AmqpLinks links, IAmqpAddressing addressing)
    {
        _links = links;
        _linkError = null;
        SetHealth(NodeHealth.Healthy);
        foreach (var address in Settings.ReceiveAddresses) Attach(links, address, addressing);
        _connection.Opened(links);
    }

    private void Attach(AmqpLinks links, string address, IAmqpAddressing addressing)
    {
        try
        {
            links.Receive(address, Settings.Credit, (link, message) => OnMessage(link, message, address, addressing),
                (_, error) => OnReceiverClosed(links, address, addressing, error));
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closing: the next one attaches again.
            _log.LogDebug("AMQP endpoint {Endpoint}: cannot attach to {Address} on a closing connection: {Error}", Name, address, ex.Message);
        }
    }

    private void OnReceiverClosed(AmqpLinks links, string address, IAmqpAddressing addressing, Error? error)
    {
        if (links.IsLost || _stopping.IsCancellationRequested) return;
        LinkFailed($"cannot receive from '{address}': {AmqpErrors.Describe(error) ?? "the broker closed the link"}");
        // Attach again later: the queue may be created meanwhile.
        _ = Task.Delay(Settings.MaxReconnectDelay, _stopping.Token).ContinueWith(_ =>
        {
            if (!links.IsLost && !_stopping.IsCancellationRequested) Attach(links, address, addressing);
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>On the library's I/O thread: map and queue for the routes, or reject what cannot be mapped.</summary>
    private void OnMessage(IReceiverLink link, Message message, string address, IAmqpAddressing addressing)
    {
        Counters.CountReceived();
        Recovered();
        AmqpMessage mapped;
        try
        {
            mapped = AmqpMessages.FromAmqp(message);
        }
        catch (FormatException ex)
        {
            _log.LogWarning("AMQP endpoint {Endpoint}: rejecting a malformed message from {Address}: {Error}", Name, address, ex.Message);
            Settle(link, message, AmqpSettlement.Reject, ex.Message);
            return;
        }
        var topic = addressing.TopicOf(string.IsNullOrEmpty(mapped.Address) ? address : mapped.Address);
        // Completed only when stopping: the message stays unsettled and goes back to the broker with the connection.
        _incoming.Writer.TryWrite(new AmqpIncoming(link, message, JmsHeaderMapping.ToEvent(Name, topic, address, mapped)));
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var incoming in _incoming.Reader.ReadAllAsync(cancellationToken))
            {
                var admission = await ReceiveAsync(incoming.Event, cancellationToken);
                switch (admission.Status)
                {
                    case AdmissionStatus.Accepted:
                        Counters.CountAccepted();
                        Settle(incoming.Link, incoming.Message, AmqpSettlement.Accept);
                        break;
                    case AdmissionStatus.NoRoute:
                        Counters.CountUnrouted();
                        _log.LogDebug("AMQP endpoint {Endpoint}: no route takes {Topic}; message {Id} accepted and counted as unrouted", Name, incoming.Event.Topic, incoming.Event.Id);
                        Settle(incoming.Link, incoming.Message, AmqpSettlement.Accept);
                        break;
                    default:
                        // Not settled until the delay passed, so the broker does not hand it straight back.
                        Counters.CountRedelivered();
                        var delay = admission.RetryAfter > TimeSpan.Zero ? admission.RetryAfter : Settings.RedeliveryDelay;
                        _log.LogDebug("AMQP endpoint {Endpoint}: routes refused {Id} ({Reason}); releasing it in {Delay}", Name, incoming.Event.Id, admission.Reason, delay);
                        await Task.Delay(delay, cancellationToken);
                        Settle(incoming.Link, incoming.Message, AmqpSettlement.Release);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Unsettled messages go back to the broker when the connection closes.
        }
        catch (Exception ex)
        {
            // A failing route must not end the endpoint silently: its messages stay unsettled and say why.
            _log.LogError(ex, "AMQP endpoint {Endpoint}: the consumer failed", Name);
            SetHealth(NodeHealth.Unhealthy, $"consumer failed: {ex.Message}");
        }
    }

    /// <summary>Settles a received message and so gives its credit back; a link gone meanwhile leaves it to the broker to deliver again.</summary>
    private void Settle(IReceiverLink link, Message message, AmqpSettlement settlement, string? reason = null)
    {
        try
        {
            switch (settlement)
            {
                case AmqpSettlement.Accept:
                    link.Accept(message);
                    break;
                case AmqpSettlement.Release:
                    link.Release(message);
                    break;
                default:
                    link.Reject(message, new Error(ErrorCode.DecodeError) { Description = reason });
                    break;
            }
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            _log.LogDebug("AMQP endpoint {Endpoint}: cannot settle a message on a closed link ({Error}); the broker delivers it again", Name, ex.Message);
        }
    }

    private void LinkFailed(string detail)
    {
        if (_stopping.IsCancellationRequested) return;
        _log.LogError("AMQP endpoint {Endpoint}: {Detail}", Name, detail);
        _linkError = detail;
        SetHealth(NodeHealth.Unhealthy, detail);
    }

    /// <summary>A message went through: a link problem reported earlier is over.</summary>
    private void Recovered()
    {
        if (_linkError is null) return;
        _linkError = null;
        SetHealth(NodeHealth.Healthy);
    }
}

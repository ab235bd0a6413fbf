using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Server.Endpoints.Amqp;

/// <summary>
/// An AMQP 1.0 endpoint (JMS-style queues and topics). What routes send it goes to a bounded outbound queue (its fill
/// level is the endpoint's <see cref="Pressure"/>: routes hold back at half of it) and from there to the broker, each
/// message kept until the broker accepts it; the addresses in <c>Receive</c> are consumed with link credit, and each
/// message is settled only after the routes answered: accepted (or unrouted) → ACCEPTED, refused → RELEASED after the
/// routes' Retry-After so the broker delivers it again.
/// </summary>
public sealed class AmqpEndpoint : MediationNode, IEndpoint
{
    private readonly ILogger _log;
    private readonly OutboundQueue _outbound;
    private readonly Channel<AmqpIncoming> _incoming = Channel.CreateUnbounded<AmqpIncoming>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private AmqpConnection? _connection;
    private Task _consumer = Task.CompletedTask;
    private Timer? _nudge;
    // Open from construction: events routed before StartAsync wait in the queue for the connection.
    private volatile bool _accepting = true;

    private readonly IAmqpAddressing? _addressing;

    /// <param name="addressing">Topic ↔ address conventions; default: the <c>Address</c> template of <paramref name="settings"/>.</param>
    public AmqpEndpoint(string name, AmqpSettings settings, ILoggerFactory loggerFactory, IAmqpAddressing? addressing = null) : base(name)
    {
        Settings = settings;
        _addressing = addressing;
        _log = loggerFactory.CreateLogger<AmqpEndpoint>();
        // One pressure for the endpoint's whole life: routes capture it when they are built.
        _outbound = new OutboundQueue(settings.QueueCapacity, OutboundPressure.ForQueue(settings.QueueCapacity, settings.QueueMaxBytes), settings.QueueMaxBytes);
    }

    public AmqpSettings Settings { get; }

    /// <summary>The topic ↔ address conventions in use (the <c>Address</c> template unless the endpoint type brings its own).</summary>
    public IAmqpAddressing Addressing => _addressing ?? new AmqpAddressTemplate(Settings.Address);

    public EndpointCounters Counters { get; } = new();

    /// <summary>
    /// The outbound queue's fill level: routes sending here hold back at half of <see cref="AmqpSettings.QueueCapacity"/>
    /// or of <see cref="AmqpSettings.QueueMaxBytes"/>.
    /// Counts what waits in the queue, not what the connection took (bounded by MaxInFlight).
    /// </summary>
    public override OutboundPressure Pressure => _outbound.Pressure;

    /// <summary>Sends count once the peer settles ACCEPTED; received deliveries are accepted only after a route accepted them.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.Both;

    /// <summary>Events waiting in the outbound queue plus those taken by the connection and not yet settled.</summary>
    public int Pending => _outbound.Count + (_connection?.Held ?? 0);

    public override void OnNext(Event value)
    {
        if (!_accepting || !_outbound.TryWrite(value))
        {
            Counters.CountDropped();
            var dropped = Counters.Dropped;
            if (dropped == 1 || dropped % 1000 == 0)
                _log.LogWarning("AMQP endpoint {Endpoint}: dropped event {Id} ({Reason}); {Dropped} dropped so far",
                    Name, value.Id, _accepting ? $"outbound queue full at {Settings.QueueCapacity} events or {Settings.QueueMaxBytes} bytes" : "endpoint not running", dropped);
            return;
        }
        _connection?.Wake();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return Task.CompletedTask;
        SetHealth(NodeHealth.Degraded, $"connecting to {Settings.Host}:{Settings.Port}");
        var connection = new AmqpConnection(Name, Settings, _log, Counters, _outbound,
            incoming => _incoming.Writer.TryWrite(incoming), (health, detail) => SetHealth(health, detail), _addressing);
        try
        {
            connection.Start();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A server without Proton still runs: this endpoint is reported, the others work.
            var detail = $"Qpid Proton C is not available ({ex.Message}); install Debian's libqpid-proton11 (eng/install-deps.sh)";
            _log.LogError("AMQP endpoint {Endpoint}: {Detail}", Name, detail);
            SetHealth(NodeHealth.Unhealthy, detail);
            return Task.CompletedTask;
        }
        _connection = connection;
        // Cheap insurance: events waiting while nothing wakes the loop (a wake lost to a closing connection) still go.
        _nudge = new Timer(_ => { if (_outbound.Count > 0) _connection?.Nudge(); }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        if (Settings.ReceiveAddresses.Count > 0) _consumer = Task.Run(() => ConsumeAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        // No write can slip in after the last read below and leave the pressure counting an event nobody holds.
        _outbound.Complete();
        var connection = _connection;
        if (connection is null)
        {
            // Never started (no Proton): what the routes queued meanwhile is dropped, counted and said.
            var unsent = _outbound.TakeAll();
            for (var i = 0; i < unsent; i++) Counters.CountDropped();
            if (unsent > 0) _log.LogWarning("AMQP endpoint {Endpoint}: stopping without a connection; {Left} queued events counted as dropped", Name, unsent);
            SetHealth(NodeHealth.Stopped);
            return;
        }
        // Flush first: what the routes handed over should reach the broker, within a bound.
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(Settings.DrainTimeout);
            try
            {
                while (Pending > 0) await Task.Delay(20, drain.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        var left = Pending;
        if (left > 0)
        {
            // Never silent: queued events and unacknowledged sends (which may or may not have arrived) count as dropped.
            for (var i = 0; i < left; i++) Counters.CountDropped();
            _log.LogWarning("AMQP endpoint {Endpoint}: stopping with {Left} events not acknowledged by {Host}:{Port}; counted as dropped",
                Name, left, Settings.Host, Settings.Port);
        }
        // Everything queued is sent or counted: no route may keep waiting for room here.
        _outbound.TakeAll();
        if (_nudge is not null) await _nudge.DisposeAsync();
        _stopping.Cancel();
        _incoming.Writer.TryComplete();
        try
        {
            await _consumer;
        }
        catch (OperationCanceledException)
        {
        }
        await connection.CloseAsync(TimeSpan.FromSeconds(5));
        _log.LogInformation("AMQP endpoint {Endpoint} stopped: {Counters}", Name, Counters);
        SetHealth(NodeHealth.Stopped);
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
                        _connection!.Settle(incoming.Token, AmqpSettlement.Accept);
                        break;
                    case AdmissionStatus.NoRoute:
                        Counters.CountUnrouted();
                        _log.LogDebug("AMQP endpoint {Endpoint}: no route takes {Topic}; message {Id} accepted and counted as unrouted", Name, incoming.Event.Topic, incoming.Event.Id);
                        _connection!.Settle(incoming.Token, AmqpSettlement.Accept);
                        break;
                    default:
                        // Not settled until the delay passed, so the broker does not hand it straight back.
                        Counters.CountRedelivered();
                        var delay = admission.RetryAfter > TimeSpan.Zero ? admission.RetryAfter : Settings.RedeliveryDelay;
                        _log.LogDebug("AMQP endpoint {Endpoint}: routes refused {Id} ({Reason}); releasing it in {Delay}", Name, incoming.Event.Id, admission.Reason, delay);
                        await Task.Delay(delay, cancellationToken);
                        _connection!.Settle(incoming.Token, AmqpSettlement.Release);
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
            _log.LogError(ex, "AMQP endpoint {Endpoint}: the consumer failed", Name);
            SetHealth(NodeHealth.Unhealthy, $"consumer failed: {ex.Message}");
        }
    }
}

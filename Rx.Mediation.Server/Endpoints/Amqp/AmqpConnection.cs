using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Endpoints.Amqp.Native;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonConstants;
using static Rx.Mediation.Server.Endpoints.Amqp.Native.ProtonNative;

namespace Rx.Mediation.Server.Endpoints.Amqp;

/// <summary>
/// One AMQP 1.0 connection driven by a Proton proactor on ONE dedicated thread: every Proton object is created, used
/// and freed there, because Proton is not thread-safe. Other threads talk to it only through <see cref="Post"/> and
/// <see cref="Wake"/> (a command queue plus <c>pn_connection_wake</c>, or <c>pn_proactor_interrupt</c> while there is
/// no connection). It sends what the outbound channel holds within link credit, keeps each delivery until the broker
/// settles it, resends refused ones with backoff, resends unsettled ones after a reconnect, and hands received
/// messages to the endpoint, settling each when the endpoint says how.
/// </summary>
internal sealed class AmqpConnection
{
    /// <summary>How long a lost connection may stay down and the endpoint still count as Degraded rather than Unhealthy.</summary>
    private static readonly TimeSpan OutageBeforeUnhealthy = TimeSpan.FromSeconds(30);

    private readonly string _name;
    private readonly AmqpSettings _settings;
    private readonly IAmqpAddressing _template;
    private readonly ILogger _log;
    private readonly EndpointCounters _counters;
    private readonly OutboundQueue _outbound;
    private readonly Action<AmqpIncoming> _received;
    private readonly Action<NodeHealth, string?> _health;
    private readonly string _target;
    private readonly string _containerId;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IntPtr _proactor;
    private IntPtr _connection;
    private int _wakeRequested;
    private volatile bool _hardExit;
    private int _held;
    private Thread? _thread;

    // Event-loop state: touched only on the loop thread.
    private readonly Dictionary<string, SenderLink> _senders = new(StringComparer.Ordinal);
    private readonly Dictionary<IntPtr, SenderLink> _sendersByLink = [];
    private readonly Dictionary<IntPtr, string> _receivers = [];
    private readonly Dictionary<IntPtr, AmqpOutgoing> _unsettled = [];
    private readonly Dictionary<long, (IntPtr Delivery, IntPtr Link)> _incoming = [];
    private Queue<AmqpOutgoing> _ready = new();
    private ProtonMessageCodec? _codec;
    private IntPtr _tag;
    private IntPtr _connectionHandle;
    private readonly Dictionary<IntPtr, IntPtr> _linkBySession = [];
    private bool _open;
    private bool _everConnected;
    private bool _closing;
    private bool _exit;
    private bool _windowFreed;
    private int _failures;
    private DateTime _lostAt;
    private string? _lastError;
    private string? _linkError;
    private long _nextToken;
    private long _nextTag;
    private int _linkCount;

    public AmqpConnection(
        string name, AmqpSettings settings, ILogger log, EndpointCounters counters, OutboundQueue outbound,
        Action<AmqpIncoming> received, Action<NodeHealth, string?> health, IAmqpAddressing? addressing = null)
    {
        _name = name;
        _settings = settings;
        _template = addressing ?? new AmqpAddressTemplate(settings.Address);
        _log = log;
        _counters = counters;
        _outbound = outbound;
        _received = received;
        _health = health;
        _target = $"{settings.Host}:{settings.Port}";
        _containerId = string.IsNullOrWhiteSpace(settings.ContainerId) ? $"rx-mediation-{name}-{Guid.NewGuid():N}" : settings.ContainerId;
    }

    /// <summary>Events taken from the outbound channel and not yet acknowledged or failed.</summary>
    public int Held => Volatile.Read(ref _held);

    public Task Exited => _exited.Task;

    public void Start()
    {
        _proactor = pn_proactor();
        if (_proactor == IntPtr.Zero) throw new InvalidOperationException("pn_proactor() returned null");
        _thread = new Thread(Run) { IsBackground = true, Name = $"amqp10:{_name}" };
        _thread.Start();
    }

    /// <summary>Asks the loop to look at the outbound channel and its command queue. Any thread; coalesced.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) != 0) return;
        lock (_gate)
        {
            if (_connection != IntPtr.Zero) pn_connection_wake(_connection);
            else if (_proactor != IntPtr.Zero) pn_proactor_interrupt(_proactor);
        }
    }

    /// <summary>Runs <paramref name="command"/> on the loop thread, inside the connection's batch when there is one.</summary>
    public void Post(Action command)
    {
        _commands.Enqueue(command);
        Nudge();
    }

    /// <summary>A wake that ignores the coalescing flag: for commands, and as a periodic guard against a wake lost with a closing connection.</summary>
    public void Nudge()
    {
        Interlocked.Exchange(ref _wakeRequested, 0);
        Wake();
    }

    /// <summary>Settles a received delivery and gives its credit back. Any thread.</summary>
    public void Settle(long token, AmqpSettlement settlement) => Post(() =>
    {
        // A delivery of a connection or link that is gone is not ours to settle: the broker redelivers it.
        if (!_incoming.Remove(token, out var delivery)) return;
        pn_delivery_update(delivery.Delivery, settlement switch
        {
            AmqpSettlement.Accept => PN_ACCEPTED,
            AmqpSettlement.Release => PN_RELEASED,
            _ => PN_REJECTED,
        });
        pn_delivery_settle(delivery.Delivery);
        pn_link_flow(delivery.Link, 1);
    });

    /// <summary>Closes the connection (unsettled received messages go back to the broker) and ends the loop.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_thread is null) return;
        Post(BeginClose);
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            _log.LogWarning("AMQP endpoint {Endpoint}: the connection to {Target} did not close within {Timeout}; dropping it", _name, _target, timeout);
            _hardExit = true;
            lock (_gate)
            {
                if (_proactor != IntPtr.Zero) pn_proactor_interrupt(_proactor);
            }
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    private void Run()
    {
        IntPtr proactor = _proactor;
        try
        {
            _codec = new ProtonMessageCodec();
            _tag = Marshal.AllocHGlobal(sizeof(long));
            Connect();
            while (!_exit && !_hardExit)
            {
                var batch = pn_proactor_wait(proactor);
                IntPtr evt;
                while ((evt = pn_event_batch_next(batch)) != IntPtr.Zero)
                {
                    try
                    {
                        Handle(evt);
                    }
                    catch (Exception ex)
                    {
                        _log.LogError(ex, "AMQP endpoint {Endpoint}: error handling Proton event {Event}", _name, pn_event_type(evt));
                    }
                }
                // Settlements freed room in the MaxInFlight window: take more from the outbound queue now, within the
                // connection's batch where the settlements arrived, instead of waiting for the next wake.
                if (_windowFreed)
                {
                    _windowFreed = false;
                    try
                    {
                        Pump();
                    }
                    catch (Exception ex)
                    {
                        _log.LogError(ex, "AMQP endpoint {Endpoint}: error sending after settlements", _name);
                    }
                }
                pn_proactor_done(proactor, batch);
            }
        }
        catch (Exception ex)
        {
            _log.LogCritical(ex, "AMQP endpoint {Endpoint}: the event loop failed", _name);
            _health(NodeHealth.Unhealthy, $"AMQP event loop failed: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _connection = IntPtr.Zero;
                _proactor = IntPtr.Zero;
            }
            // Frees the connection and everything in it; unsettled deliveries are the broker's to redeliver.
            pn_proactor_free(proactor);
            _codec?.Dispose();
            if (_tag != IntPtr.Zero) Marshal.FreeHGlobal(_tag);
            _exited.TrySetResult();
        }
    }

    private void Connect()
    {
        var connection = pn_connection();
        pn_connection_set_container(connection, _containerId);
        pn_connection_set_hostname(connection, string.IsNullOrWhiteSpace(_settings.VirtualHost) ? _settings.Host : _settings.VirtualHost);
        var transport = pn_transport();
        if (!string.IsNullOrWhiteSpace(_settings.User))
        {
            pn_connection_set_user(connection, _settings.User);
            pn_connection_set_password(connection, _settings.ResolvePassword() ?? "");
            // PLAIN over a plain socket is what brokers on a private network expect; Proton refuses it unless told.
            var sasl = pn_sasl(transport);
            pn_sasl_set_allow_insecure_mechs(sasl, true);
            // With a user given, never fall back to ANONYMOUS: wrong credentials must fail, not log in as someone else.
            pn_sasl_allowed_mechs(sasl, "PLAIN");
        }
        lock (_gate)
        {
            pn_proactor_connect2(_proactor, connection, transport, _target);
            _connection = connection;
        }
    }

    private void Handle(IntPtr evt)
    {
        switch (pn_event_type(evt))
        {
            case PN_CONNECTION_INIT:
                OnInit(pn_event_connection(evt));
                break;
            case PN_CONNECTION_REMOTE_OPEN:
                OnOpen();
                break;
            case PN_CONNECTION_REMOTE_CLOSE:
                var connection = pn_event_connection(evt);
                _lastError = ProtonErrors.Describe(pn_connection_remote_condition(connection)) ?? "the broker closed the connection";
                pn_connection_close(connection);
                break;
            case PN_SESSION_REMOTE_CLOSE:
                OnSessionClosed(pn_event_session(evt));
                break;
            case PN_LINK_REMOTE_CLOSE:
            case PN_LINK_REMOTE_DETACH:
                OnLinkClosed(pn_event_link(evt));
                break;
            case PN_LINK_FLOW:
                if (_sendersByLink.TryGetValue(pn_event_link(evt), out var sender)) SendPending(sender);
                break;
            case PN_DELIVERY:
                var delivery = pn_event_delivery(evt);
                var link = pn_delivery_link(delivery);
                if (pn_link_is_sender(link)) OnOutcome(delivery);
                else OnReceived(delivery, link);
                break;
            case PN_TRANSPORT_ERROR:
                _lastError = ProtonErrors.Describe(pn_transport_condition(pn_event_transport(evt))) ?? _lastError;
                break;
            case PN_TRANSPORT_CLOSED:
                OnClosed();
                break;
            case PN_CONNECTION_WAKE:
                Interlocked.Exchange(ref _wakeRequested, 0);
                RunCommands();
                Pump();
                break;
            case PN_PROACTOR_INTERRUPT:
                Interlocked.Exchange(ref _wakeRequested, 0);
                // Commands run inside the connection's own batch, where Proton flushes what they did.
                if (_connection != IntPtr.Zero) pn_connection_wake(_connection);
                else RunCommands();
                break;
            case PN_PROACTOR_TIMEOUT:
                if (!_closing) Connect();
                break;
            case PN_PROACTOR_INACTIVE:
                if (_closing) _exit = true;
                break;
        }
    }

    private void OnInit(IntPtr connection)
    {
        pn_connection_open(connection);
        _connectionHandle = connection;
        foreach (var address in _settings.ReceiveAddresses) OpenReceiver(address);
    }

    private void OnOpen()
    {
        _open = true;
        if (_everConnected)
        {
            _counters.CountReconnect();
            _log.LogInformation("AMQP endpoint {Endpoint}: reconnected to {Target}", _name, _target);
        }
        else
        {
            _log.LogInformation("AMQP endpoint {Endpoint}: connected to {Target}", _name, _target);
        }
        _everConnected = true;
        _failures = 0;
        Interlocked.Exchange(ref _wakeRequested, 0);
        RunCommands();
        _linkError = null;
        _health(NodeHealth.Healthy, null);
        Pump();
    }

    private void OnClosed()
    {
        var wasOpen = _open;
        _open = false;
        lock (_gate) _connection = IntPtr.Zero;
        _connectionHandle = IntPtr.Zero;
        _linkBySession.Clear();
        // Unsettled sends may or may not have reached the broker: resend them (at least once), ahead of the rest.
        var ready = new Queue<AmqpOutgoing>(_unsettled.Values.OrderBy(o => o.Event.Timestamp));
        foreach (var sender in _senders.Values)
        {
            foreach (var pending in sender.Pending) ready.Enqueue(pending);
        }
        foreach (var pending in _ready) ready.Enqueue(pending);
        _ready = ready;
        _unsettled.Clear();
        _senders.Clear();
        _sendersByLink.Clear();
        _receivers.Clear();
        _incoming.Clear();
        // A wake sent to the connection that just closed is lost with it.
        Interlocked.Exchange(ref _wakeRequested, 0);
        RunCommands();
        if (_closing)
        {
            _exit = true;
            return;
        }
        _failures++;
        var detail = _lastError ?? "connection closed";
        _lastError = null;
        var delay = Backoff(_settings.ReconnectBackoff, _settings.MaxReconnectBackoff, _failures);
        if (wasOpen)
        {
            _lostAt = DateTime.UtcNow;
            _log.LogWarning("AMQP endpoint {Endpoint}: connection to {Target} lost ({Detail}); reconnecting in {Delay} ms with {Unsettled} sends to repeat",
                _name, _target, detail, (int)delay.TotalMilliseconds, ready.Count);
            _health(NodeHealth.Degraded, $"reconnecting to {_target}: {detail}");
        }
        else if (_everConnected && DateTime.UtcNow - _lostAt < OutageBeforeUnhealthy)
        {
            // A broker restart takes seconds: reconnecting is degraded service, not yet a broken endpoint.
            _health(NodeHealth.Degraded, $"reconnecting to {_target} (attempt {_failures}): {detail}");
        }
        else
        {
            if (_failures == 1 || _failures % 20 == 0)
                _log.LogError("AMQP endpoint {Endpoint}: cannot connect to {Target} ({Detail}); attempt {Attempt}, retrying in {Delay} ms",
                    _name, _target, detail, _failures, (int)delay.TotalMilliseconds);
            _health(NodeHealth.Unhealthy, $"cannot connect to {_target}: {detail}");
        }
        pn_proactor_set_timeout(_proactor, (uint)delay.TotalMilliseconds);
    }

    private void BeginClose()
    {
        _closing = true;
        if (_connection != IntPtr.Zero) pn_connection_close(_connection);
        else _exit = true;
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            try
            {
                command();
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "AMQP endpoint {Endpoint}: a queued command failed", _name);
            }
        }
    }

    // Sending -----------------------------------------------------------------------------------------------------

    private void Pump()
    {
        if (!_open || _closing) return;
        while (_ready.Count > 0)
        {
            var retry = _ready.Dequeue();
            Sender(retry.Address).Pending.Enqueue(retry);
        }
        // Each read makes room in the outbound queue: the endpoint's routes may resume (their callbacks only schedule drains).
        while (Held < _settings.MaxInFlight && _outbound.TryRead(out var value))
        {
            var address = _template.Resolve(value.Topic, out var problem);
            if (address is null)
            {
                _counters.CountFailed();
                _log.LogError("AMQP endpoint {Endpoint}: event {Id} not sent: {Problem}", _name, value.Id, problem);
                continue;
            }
            byte[] encoded;
            try
            {
                encoded = _codec!.Encode(JmsHeaderMapping.ToMessage(value, address, _settings.Durable));
            }
            catch (InvalidOperationException ex)
            {
                _counters.CountFailed();
                _log.LogError("AMQP endpoint {Endpoint}: event {Id} cannot be encoded: {Error}", _name, value.Id, ex.Message);
                continue;
            }
            Interlocked.Increment(ref _held);
            Sender(address).Pending.Enqueue(new AmqpOutgoing(value, address, encoded));
        }
        foreach (var sender in _senders.Values) SendPending(sender);
    }

    private SenderLink Sender(string address)
    {
        if (_senders.TryGetValue(address, out var sender)) return sender;
        var link = pn_sender(Session(), $"{_name}-send-{++_linkCount}-{address}");
        var target = pn_link_target(link);
        pn_terminus_set_address(target, address);
        pn_terminus_set_durability(target, _settings.Durable ? PN_DELIVERIES : PN_NONDURABLE);
        pn_terminus_set_address(pn_link_source(link), _containerId);
        pn_link_open(link);
        _linkBySession[pn_link_session(link)] = link;
        sender = new SenderLink(link, address);
        _senders[address] = sender;
        _sendersByLink[link] = sender;
        return sender;
    }

    private void SendPending(SenderLink sender)
    {
        while (sender.Pending.Count > 0 && pn_link_credit(sender.Link) > 0)
        {
            var outgoing = sender.Pending.Dequeue();
            Marshal.WriteInt64(_tag, ++_nextTag);
            var delivery = pn_delivery(sender.Link, new PnBytes(sizeof(long), _tag));
            var written = pn_link_send(sender.Link, outgoing.Encoded, (nuint)outgoing.Encoded.Length);
            pn_link_advance(sender.Link);
            if (written < 0)
            {
                pn_delivery_settle(delivery);
                Refused(outgoing, $"pn_link_send failed: {ProtonErrors.CodeName((int)written)}");
                continue;
            }
            _unsettled[delivery] = outgoing;
            if (!outgoing.Sent)
            {
                outgoing.Sent = true;
                _counters.CountPublished();
            }
        }
    }

    private void OnOutcome(IntPtr delivery)
    {
        if (!_unsettled.TryGetValue(delivery, out var outgoing)) return;
        var state = pn_delivery_remote_state(delivery);
        if (state is 0 or PN_RECEIVED) return;
        _unsettled.Remove(delivery);
        pn_delivery_settle(delivery);
        _windowFreed = true;
        if (state == PN_ACCEPTED)
        {
            _counters.CountAcknowledged();
            Rx.Mediation.Diagnostics.MediationMeter.Acknowledged(_name, outgoing.Event); // settled as accepted: latency to the broker's ack
            Interlocked.Decrement(ref _held);
            if (_linkError is not null)
            {
                _linkError = null;
                _health(NodeHealth.Healthy, null);
            }
            return;
        }
        Refused(outgoing, $"the broker answered {OutcomeName(state)}");
    }

    private void Refused(AmqpOutgoing outgoing, string reason)
    {
        outgoing.Attempts++;
        if (outgoing.Attempts > _settings.MaxRetries)
        {
            _counters.CountFailed();
            Interlocked.Decrement(ref _held);
            _log.LogError("AMQP endpoint {Endpoint}: event {Id} to {Address} failed after {Attempts} attempts: {Reason}",
                _name, outgoing.Event.Id, outgoing.Address, outgoing.Attempts, reason);
            return;
        }
        _counters.CountRetried();
        _log.LogDebug("AMQP endpoint {Endpoint}: event {Id} to {Address} refused ({Reason}); retry {Attempt}", _name, outgoing.Event.Id, outgoing.Address, reason, outgoing.Attempts);
        var delay = Backoff(_settings.RetryBackoff, TimeSpan.FromSeconds(10), outgoing.Attempts);
        _ = Task.Delay(delay).ContinueWith(_ => Post(() => _ready.Enqueue(outgoing)), TaskScheduler.Default);
    }

    // Receiving ---------------------------------------------------------------------------------------------------

    private void OpenReceiver(string address)
    {
        var link = pn_receiver(Session(), $"{_name}-receive-{++_linkCount}-{address}");
        var source = pn_link_source(link);
        pn_terminus_set_address(source, address);
        pn_terminus_set_durability(source, _settings.Durable ? PN_DELIVERIES : PN_NONDURABLE);
        pn_link_open(link);
        _linkBySession[pn_link_session(link)] = link;
        pn_link_flow(link, _settings.Credit);
        _receivers[link] = address;
    }

    private void OnReceived(IntPtr delivery, IntPtr link)
    {
        if (!pn_delivery_readable(delivery) || pn_delivery_partial(delivery)) return;
        if (!_receivers.TryGetValue(link, out var address)) return;
        // Once a delivery is complete, pending covers all of it; a second read only guards against a short first one.
        var bytes = new byte[Math.Max(1, (int)pn_delivery_pending(delivery))];
        var first = pn_link_recv(link, bytes, (nuint)bytes.Length);
        var length = first > 0 ? (int)first : 0;
        if (length == bytes.Length)
        {
            var chunk = new byte[16 * 1024];
            nint more;
            while ((more = pn_link_recv(link, chunk, (nuint)chunk.Length)) > 0)
            {
                Array.Resize(ref bytes, length + (int)more);
                Array.Copy(chunk, 0, bytes, length, (int)more);
                length += (int)more;
            }
        }
        pn_link_advance(link);
        _counters.CountReceived();
        if (_linkError is not null && _receivers.Count > 0)
        {
            _linkError = null;
            _health(NodeHealth.Healthy, null);
        }
        AmqpMessage message;
        try
        {
            message = _codec!.Decode(bytes, length);
        }
        catch (FormatException ex)
        {
            _log.LogWarning("AMQP endpoint {Endpoint}: rejecting a malformed message from {Address}: {Error}", _name, address, ex.Message);
            pn_delivery_update(delivery, PN_REJECTED);
            pn_delivery_settle(delivery);
            pn_link_flow(link, 1);
            return;
        }
        var topic = _template.TopicOf(string.IsNullOrEmpty(message.Address) ? address : message.Address);
        var value = JmsHeaderMapping.ToEvent(_name, topic, address, message);
        var token = ++_nextToken;
        _incoming[token] = (delivery, link);
        _received(new AmqpIncoming(token, value));
    }

    // One session per link: some brokers (RabbitMQ's plugin) end the whole session when an attach fails, and that
    // must not take the other links down with it.
    private IntPtr Session()
    {
        var session = pn_session(_connectionHandle);
        pn_session_open(session);
        return session;
    }

    private void OnSessionClosed(IntPtr session)
    {
        var condition = ProtonErrors.Describe(pn_session_remote_condition(session));
        if (_linkBySession.Remove(session, out var link)) OnLinkClosed(link, condition);
        pn_session_close(session);
    }

    private void OnLinkClosed(IntPtr link, string? sessionCondition = null)
    {
        var condition = ProtonErrors.Describe(pn_link_remote_condition(link)) ?? sessionCondition;
        if (_sendersByLink.Remove(link, out var sender))
        {
            _senders.Remove(sender.Address);
            var detail = $"cannot send to '{sender.Address}': {condition ?? "the broker closed the link"}";
            LinkFailed(detail);
            foreach (var (delivery, outgoing) in _unsettled.Where(u => pn_delivery_link(u.Key) == link).ToList())
            {
                _unsettled.Remove(delivery);
                Refused(outgoing, detail);
            }
            while (sender.Pending.Count > 0) Refused(sender.Pending.Dequeue(), detail);
            CloseLink(link);
        }
        else if (_receivers.Remove(link, out var address))
        {
            var detail = $"cannot receive from '{address}': {condition ?? "the broker closed the link"}";
            LinkFailed(detail);
            foreach (var token in _incoming.Where(i => i.Value.Link == link).Select(i => i.Key).ToList()) _incoming.Remove(token);
            CloseLink(link);
            // Attach again later: the queue may be created meanwhile.
            _ = Task.Delay(_settings.MaxReconnectBackoff).ContinueWith(_ => Post(() =>
            {
                if (_open && !_closing && !_receivers.ContainsValue(address)) OpenReceiver(address);
            }), TaskScheduler.Default);
        }
    }

    private void CloseLink(IntPtr link)
    {
        pn_link_close(link);
        var session = pn_link_session(link);
        if (_linkBySession.Remove(session)) pn_session_close(session);
    }

    private void LinkFailed(string detail)
    {
        if (!_open || _closing) return;
        _log.LogError("AMQP endpoint {Endpoint}: {Detail}", _name, detail);
        _linkError = detail;
        _health(NodeHealth.Unhealthy, detail);
    }

    private static TimeSpan Backoff(TimeSpan initial, TimeSpan max, int attempt)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 16));
        var delay = TimeSpan.FromMilliseconds(Math.Min(initial.TotalMilliseconds * factor, max.TotalMilliseconds));
        return delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay;
    }

    private sealed class SenderLink(IntPtr link, string address)
    {
        public IntPtr Link { get; } = link;

        public string Address { get; } = address;

        public Queue<AmqpOutgoing> Pending { get; } = new();
    }
}

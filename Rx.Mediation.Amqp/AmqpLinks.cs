using Amqp;
using Amqp.Framing;

namespace Rx.Mediation.Amqp;

/// <summary>
/// The links of ONE open AMQP 1.0 connection: a sender link per address, opened on first use, and the receiver links.
/// Each link has a session of its own, because some brokers (RabbitMQ's plugin) end the whole session when an attach
/// fails, and that must not take the other links down with it. A new connection gets a new instance.
/// </summary>
internal sealed class AmqpLinks
{
    private readonly string _name;
    private readonly bool _durable;
    private readonly Dictionary<string, SenderLink> _senders = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _linkCount;

    public AmqpLinks(Connection connection, string name, bool durable)
    {
        Connection = connection;
        _name = name;
        _durable = durable;
    }

    public Connection Connection { get; }

    /// <summary>Completes with the reason once the connection is gone.</summary>
    public Task<string> Lost => _lost.Task;

    /// <summary>The connection ended or is ending (the library aborts links before it reports the connection closed).</summary>
    public bool IsLost => _lost.Task.IsCompleted || Connection.IsClosed || Connection.Error is not null;

    public void MarkLost(string reason) => _lost.TrySetResult(reason);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="address"/> and completes when the broker settled it, or the
    /// link or connection went away before it did. Sends on one link go out in the order of these calls.
    /// </summary>
    public Task<AmqpSendResult> SendAsync(string address, Message message)
    {
        var result = new TaskCompletionSource<AmqpSendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        SenderLink link;
        try
        {
            link = Sender(address);
            link.Send(message, (sender, _, outcome, state) => ((TaskCompletionSource<AmqpSendResult>)state!).TrySetResult(Settled(sender, outcome)), result);
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            // The link or its connection closed between taking it and sending on it.
            Forget(address);
            return Task.FromResult(IsLost ? AmqpSendResult.Lost : new AmqpSendResult(AmqpSendStatus.LinkClosed, ex is AmqpException amqp ? AmqpErrors.Describe(amqp.Error) ?? ex.Message : ex.Message));
        }
        return result.Task;
    }

    /// <summary>Attaches a receiver to <paramref name="address"/> with <paramref name="credit"/>, restored as messages are settled.</summary>
    public ReceiverLink Receive(string address, int credit, MessageCallback onMessage, ClosedCallback onClosed)
    {
        var source = new Source { Address = address, Durable = Durability };
        var link = new ReceiverLink(new Session(Connection), LinkName("receive", address), source, null);
        link.AddClosedCallback(onClosed);
        link.Start(credit, onMessage);
        return link;
    }

    public async Task CloseAsync(TimeSpan timeout)
    {
        try
        {
            await Connection.CloseAsync(timeout, null);
        }
        catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing is a courtesy to the broker: unsettled messages go back to it either way.
        }
    }

    // durable = unsettled-state, as JMS PERSISTENT asks of a terminus; none otherwise.
    private uint Durability => _durable ? 2u : 0u;

    private SenderLink Sender(string address)
    {
        lock (_senders)
        {
            if (_senders.TryGetValue(address, out var existing) && !existing.IsClosed) return existing;
            var target = new Target { Address = address, Durable = Durability };
            var link = new SenderLink(new Session(Connection), LinkName("send", address), target, null);
            _senders[address] = link;
            return link;
        }
    }

    private void Forget(string address)
    {
        lock (_senders)
        {
            if (_senders.TryGetValue(address, out var link) && link.IsClosed) _senders.Remove(address);
        }
    }

    private AmqpSendResult Settled(ILink link, Outcome? outcome)
    {
        if (outcome is Accepted) return AmqpSendResult.Accepted;
        // The library settles what a closing link still held with RELEASED or with REJECTED carrying the link's error.
        if (!link.IsClosed) return new AmqpSendResult(AmqpSendStatus.Refused, $"the broker answered {AmqpErrors.Describe(outcome)}");
        if (IsLost) return AmqpSendResult.Lost;
        return new AmqpSendResult(AmqpSendStatus.LinkClosed, AmqpErrors.Describe(link.Error) ?? AmqpErrors.Describe((outcome as Rejected)?.Error) ?? "the broker closed the link");
    }

    private string LinkName(string role, string address) => $"{_name}-{role}-{Interlocked.Increment(ref _linkCount)}-{address}";
}

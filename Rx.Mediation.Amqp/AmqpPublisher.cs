using System.Diagnostics.CodeAnalysis;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Events;

namespace Rx.Mediation.Amqp;

/// <summary>
/// AMQP 1.0's part of the shared sending pipeline: an event becomes a message (JMS header mapping) to the address its
/// topic resolves to, kept until the broker settles it. ACCEPTED acknowledges it; REJECTED, RELEASED, MODIFIED or a
/// closed link is a refusal (sent again <c>MaxRetries</c> times); a lost connection sends it again on the next one,
/// never on the one that failed.
/// </summary>
internal sealed class AmqpPublisher(AmqpSettings settings, IAmqpAddressing addressing, AmqpCurrentConnection connection, Action<string> linkFailed, Action delivered)
    : IBrokerSender<AmqpOutgoing>
{
    public bool TryPrepare(Event value, [MaybeNullWhen(false)] out AmqpOutgoing message, [NotNullWhen(false)] out string? problem)
    {
        message = null;
        var address = addressing.Resolve(value.Topic, out problem);
        if (address is null)
        {
            problem ??= "no address for the topic";
            return false;
        }
        message = new AmqpOutgoing(value, address, JmsHeaderMapping.ToMessage(value, address, settings.Durable));
        return true;
    }

    public async ValueTask WhenReadyAsync(CancellationToken cancellationToken) => await connection.WaitAsync(null, cancellationToken).ConfigureAwait(false);

    public async ValueTask<SendResult> SendAsync(AmqpOutgoing outgoing, CancellationToken cancellationToken)
    {
        var links = await connection.WaitAsync(outgoing.LostOn, cancellationToken).ConfigureAwait(false);
        var result = await links.SendAsync(outgoing.Address, AmqpMessages.ToAmqp(outgoing.Message)).WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case AmqpSendStatus.Accepted:
                delivered();
                return SendResult.Acknowledged;
            case AmqpSendStatus.ConnectionLost:
                // Maybe the broker has it, maybe not: at least once means sending it again on the next connection.
                outgoing.LostOn = links;
                return SendResult.Interrupted(result.Reason ?? "the connection was lost");
            case AmqpSendStatus.LinkClosed:
                var detail = $"cannot send to '{outgoing.Address}': {result.Reason}";
                linkFailed(detail);
                return SendResult.Refused(detail);
            default:
                return SendResult.Refused($"'{outgoing.Address}': {result.Reason ?? "refused"}");
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Events;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// RabbitMQ's part of the shared sending pipeline: an event becomes a publish to the endpoint's exchange, confirmed by
/// the broker (publisher confirms). A nack, or a channel the broker closed while the connection stays up (no such
/// exchange, say), is a refusal; a lost connection is not; a message returned as unroutable (Mandatory) is rejected.
/// </summary>
internal sealed class RabbitMqPublisher(RabbitMqOptions options, Func<CancellationToken, Task<IChannel>> channel) : IBrokerSender<RabbitMqPublisher.Outgoing>
{
    /// <summary>What a publish needs, mapped once.</summary>
    internal sealed record Outgoing(string RoutingKey, BasicProperties Properties, ReadOnlyMemory<byte> Body);

    public bool TryPrepare(Event value, [MaybeNullWhen(false)] out Outgoing message, [NotNullWhen(false)] out string? problem)
    {
        message = new Outgoing(options.RoutingKey ?? value.Topic, RabbitMqMapping.ToProperties(value, options.Persistent), value.Payload);
        problem = null;
        return true;
    }

    public async ValueTask WhenReadyAsync(CancellationToken cancellationToken) => await channel(cancellationToken).ConfigureAwait(false);

    public async ValueTask<SendResult> SendAsync(Outgoing message, CancellationToken cancellationToken)
    {
        var open = await channel(cancellationToken).ConfigureAwait(false);
        try
        {
            await open.BasicPublishAsync(options.Exchange, message.RoutingKey, options.Mandatory, message.Properties, message.Body, cancellationToken).ConfigureAwait(false);
            return SendResult.Acknowledged;
        }
        catch (PublishException ex) when (ex.IsReturn)
        {
            return SendResult.Rejected($"unroutable: exchange '{options.Exchange}' returned routing key '{message.RoutingKey}' (Mandatory is on)");
        }
        catch (PublishException)
        {
            return SendResult.Refused($"the broker nacked a publish to exchange '{options.Exchange}'");
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            var reason = open.CloseReason;
            var problem = RabbitMqErrors.Describe(reason is null ? ex : new Exception(reason.ReplyText));
            var refusedByBroker = reason is { Initiator: ShutdownInitiator.Peer } && reason.ReplyCode is not (320 or 0) && !IsConnectionLost(ex);
            return refusedByBroker ? SendResult.Refused(problem) : SendResult.Interrupted(problem);
        }
    }

    private static bool IsConnectionLost(Exception ex) =>
        ex is AlreadyClosedException { ShutdownReason.Initiator: ShutdownInitiator.Library } || ex.InnerException is IOException;
}

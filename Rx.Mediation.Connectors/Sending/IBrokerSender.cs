using System.Diagnostics.CodeAnalysis;
using Rx.Mediation.Events;

namespace Rx.Mediation.Connectors.Sending;

/// <summary>
/// What a connector tells the shared <see cref="SendPipeline{TMessage}"/>: how an event becomes its client's message,
/// when a connection is there to send on, and one send. Queueing, the in-flight window, resending with backoff,
/// counting and stopping are the pipeline's.
/// </summary>
/// <typeparam name="TMessage">The client's message, built once per event and sent again as is.</typeparam>
public interface IBrokerSender<TMessage>
{
    /// <summary>
    /// Maps an event to a message; false, with the reason, when it can never be sent (a topic the broker cannot take,
    /// a header that cannot be mapped): the pipeline counts it as failed.
    /// </summary>
    bool TryPrepare(Event value, [MaybeNullWhen(false)] out TMessage message, [NotNullWhen(false)] out string? problem);

    /// <summary>Completes once a connection is open; events stay in the outbound queue (holding the routes back) until then.</summary>
    ValueTask WhenReadyAsync(CancellationToken cancellationToken);

    /// <summary>One attempt, until the broker answers or the connection fails. Cancelled when the endpoint stops or the attempt times out.</summary>
    ValueTask<SendResult> SendAsync(TMessage message, CancellationToken cancellationToken);
}

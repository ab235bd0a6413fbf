using Rx.Mediation.Events;

namespace Rx.Mediation.Amqp;

/// <summary>An event on its way to the broker: mapped once, sent again as is after a refusal or a lost connection.</summary>
internal sealed class AmqpOutgoing(Event value, string address, AmqpMessage message)
{
    public Event Event { get; } = value;

    public string Address { get; } = address;

    public AmqpMessage Message { get; } = message;

    /// <summary>The connection that was lost under the last attempt: the next one waits for another.</summary>
    public AmqpLinks? LostOn { get; set; }
}

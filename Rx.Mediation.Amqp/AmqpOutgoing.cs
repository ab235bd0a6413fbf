using Rx.Mediation.Events;

namespace Rx.Mediation.Amqp;

/// <summary>An event on its way to the broker: mapped once, sent again as is after a refusal or a lost connection.</summary>
internal sealed class AmqpOutgoing(Event value, string address, AmqpMessage message)
{
    public Event Event { get; } = value;

    public string Address { get; } = address;

    public AmqpMessage Message { get; } = message;

    /// <summary>Refusals (REJECTED, RELEASED, MODIFIED, link closed) so far; sending again after a lost connection is free.</summary>
    public int Attempts { get; set; }

    public bool Sent { get; set; }
}

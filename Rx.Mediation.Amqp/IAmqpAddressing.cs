namespace Rx.Mediation.Amqp;

/// <summary>
/// How an AMQP 1.0 endpoint turns an event's topic into the address it is sent to, and a received message's address
/// back into an event topic. The <c>amqp10</c> endpoint uses its <c>Address</c> template
/// (<see cref="AmqpAddressTemplate"/>); other endpoint types riding on the AMQP 1.0 transport (<c>solace</c>) bring
/// their own conventions.
/// </summary>
public interface IAmqpAddressing
{
    /// <summary>The address for <paramref name="topic"/>, or null and why the event cannot be sent.</summary>
    string? Resolve(string topic, out string? problem);

    /// <summary>The event topic for a message received from (or addressed to) <paramref name="address"/>.</summary>
    string TopicOf(string address);
}

using Amqp;
using Rx.Mediation.Events;

namespace Rx.Mediation.Amqp;

/// <summary>A received message waiting for the routes' answer, with the link that settles it.</summary>
internal sealed record AmqpIncoming(IReceiverLink Link, Message Message, Event Event);

/// <summary>How a received delivery is settled once the routes answered.</summary>
internal enum AmqpSettlement
{
    /// <summary>Taken (or taken by no route): the broker forgets it.</summary>
    Accept,

    /// <summary>Refused for now: the broker delivers it again.</summary>
    Release,

    /// <summary>Unusable (malformed): the broker dead-letters or drops it.</summary>
    Reject,
}

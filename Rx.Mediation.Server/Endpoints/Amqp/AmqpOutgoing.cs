using Rx.Mediation.Events;

namespace Rx.Mediation.Server.Endpoints.Amqp;

/// <summary>An event on its way to the broker: encoded once, resent as is after a refusal or a lost connection.</summary>
internal sealed class AmqpOutgoing(Event value, string address, byte[] encoded)
{
    public Event Event { get; } = value;

    public string Address { get; } = address;

    public byte[] Encoded { get; } = encoded;

    /// <summary>Refusals (REJECTED, RELEASED, MODIFIED, link closed) so far; resends after a lost connection are free.</summary>
    public int Attempts { get; set; }

    public bool Sent { get; set; }
}

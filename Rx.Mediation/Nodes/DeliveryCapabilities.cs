namespace Rx.Mediation.Nodes;

/// <summary>What a node can promise about delivery; the engine checks routes' declared guarantees against it.</summary>
[Flags]
public enum DeliveryCapabilities
{
    None = 0,

    /// <summary>
    /// As a source: the origin learns an event was taken only once a route accepted it, and otherwise sends it again
    /// (a broker message is acknowledged after acceptance; an HTTP client gets 202 only then, and 503 tells it to retry).
    /// </summary>
    AcknowledgesAfterAcceptance = 1,

    /// <summary>As a target: a send counts as done only once the broker confirmed it; unconfirmed sends are retried.</summary>
    ConfirmsSends = 2,

    Both = AcknowledgesAfterAcceptance | ConfirmsSends,
}

using Rx.Mediation.Events;

namespace Rx.Mediation.Nodes;

/// <summary>
/// An observer that can say whether it took an event. The engine subscribes one to every node; a node that
/// publishes through <see cref="InboundHub"/> gets the answer back and can tell its client (HTTP 503, 404…).
/// Plain observers still work: they count as having accepted.
/// </summary>
public interface IAdmissionObserver : IObserver<Event>
{
    Admission Offer(Event value);

    /// <summary>Like <see cref="Offer"/>, but may wait for room when a route applies backpressure.</summary>
    ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken);
}

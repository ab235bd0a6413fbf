using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// An in-process source: the driver offers events straight to the engine's routes, with no web ingress in between,
/// through the same <c>ReceiveAsync</c> path (admission, bridge back-pressure) a broker endpoint's consumer uses.
/// </summary>
internal sealed class LoadSource(string name) : MediationNode(name), IEntrypoint
{
    public ValueTask<Admission> OfferAsync(Event value) => ReceiveAsync(value);

    public override void OnNext(Event value)
    {
    }
}

/// <summary>A target that only counts: the ceiling of the web ingress plus the engine, with no broker.</summary>
internal sealed class CountingTarget(string name) : MediationNode(name), IEndpoint
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public override void OnNext(Event value) => Interlocked.Increment(ref _count);
}

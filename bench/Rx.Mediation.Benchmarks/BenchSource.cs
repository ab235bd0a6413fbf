using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Benchmarks;

/// <summary>A bare entrypoint: the benchmark thread pushes pre-built events into the engine through it.</summary>
public sealed class BenchSource(string name) : MediationNode(name), IEntrypoint
{
    /// <summary>The synchronous path (what a broker callback uses): never waits, reports refusals in the admission.</summary>
    public Admission Push(Event value) => Receive(value);

    /// <summary>The backpressure-aware path: completes once the route's bridge has room for the event.</summary>
    public ValueTask<Admission> PushAsync(Event value) => ReceiveAsync(value);

    // Nothing routes to this node.
    public override void OnNext(Event value) => throw new NotSupportedException("the benchmark source is not a target");
}

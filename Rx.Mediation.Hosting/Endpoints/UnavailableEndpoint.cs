using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting.Endpoints;

/// <summary>
/// Stands in for an endpoint that could not be created (bad configuration): the server stays up, routes that use it
/// still build, <c>/readyz</c> reports it with the reason, and every event sent to it fails visibly (counted per route).
/// </summary>
public sealed class UnavailableEndpoint(string name, string reason) : MediationNode(name), IEndpoint
{
    public string Reason { get; } = reason;

    public override void OnNext(Event value) => throw new InvalidOperationException($"endpoint '{Name}' is unavailable: {Reason}");

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Unhealthy, Reason);
        return Task.CompletedTask;
    }
}

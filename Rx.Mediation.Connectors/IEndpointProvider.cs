using Rx.Mediation.Nodes;

namespace Rx.Mediation.Connectors;

/// <summary>
/// Makes endpoints of one or more configuration types (<c>"kafka"</c>, <c>"amqp10"</c>/<c>"jms"</c>, …) from their
/// configuration section <c>Mediation:Endpoints:{name}</c>. Providers in the server assembly are found by type, so a new
/// broker is one provider class, no registration list to edit. A provider must not connect in <see cref="Create"/>:
/// connecting happens in the node's StartAsync, so an unreachable broker never stops the server.
/// </summary>
public interface IEndpointProvider
{
    /// <summary>The configuration <c>Type</c> values this provider answers to, lower case.</summary>
    IReadOnlyCollection<string> Types { get; }

    /// <summary>Creates the endpoint; throws <see cref="EndpointConfigurationException"/> naming the setting that is wrong.</summary>
    IEndpoint Create(EndpointContext context);
}

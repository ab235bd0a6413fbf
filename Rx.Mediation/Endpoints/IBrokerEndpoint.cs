using Rx.Mediation.Nodes;

namespace Rx.Mediation.Endpoints;

/// <summary>
/// An endpoint on a broker that counts what it sends and receives the same way as every other broker endpoint, so
/// metrics, health and the admin API read any connector alike without knowing it.
/// </summary>
public interface IBrokerEndpoint : IEndpoint
{
    EndpointCounters Counters { get; }
}

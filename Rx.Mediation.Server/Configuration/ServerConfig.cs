using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Server.Configuration;

/// <summary>A whole configuration file, parsed and validated: what the server runs and what a reload compares.</summary>
public sealed record ServerConfig(
    string File,
    string Hash,
    ServerSettings Server,
    string ServerCanonical,
    IReadOnlyList<EntrypointConfig> Entrypoints,
    IReadOnlyList<EndpointConfig> Endpoints,
    IReadOnlyList<ConfiguredRoute> Routes)
{
    public IEnumerable<string> NodeNames => Entrypoints.Select(e => e.Name).Concat(Endpoints.Select(e => e.Name));
}

using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Hosting.Configuration;

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
    /// <summary>Where the <c>server:</c> section is, if the file has one (a change to it is refused there).</summary>
    public ConfigLocation? ServerLocation { get; init; }

    public IEnumerable<string> NodeNames => Entrypoints.Select(e => e.Name).Concat(Endpoints.Select(e => e.Name));
}

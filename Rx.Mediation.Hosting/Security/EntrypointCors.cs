using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Endpoint metadata on every path of a web entrypoint: its name, by which the origin check picks the entrypoint's own
/// list of origins, and the CORS policy that follows that list. Being CORS metadata, it also makes routing take a
/// preflight (OPTIONS) to the entrypoint's path rather than answer it 405, so the preflight is judged by the same list.
/// </summary>
internal sealed class EntrypointCors(string entrypoint, CorsPolicy policy) : ICorsPolicyMetadata
{
    public string Entrypoint { get; } = entrypoint;

    public CorsPolicy Policy { get; } = policy;
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Server.Entrypoints;

namespace Rx.Mediation.Server.Hosting;

public static class EntrypointMapping
{
    /// <summary>Maps each entrypoint's path; one with a port of its own answers only on that port.</summary>
    public static void MapEntrypoints(this IEndpointRouteBuilder routes, IEnumerable<WebEntrypoint> entrypoints)
    {
        foreach (var entrypoint in entrypoints)
        {
            var endpoint = entrypoint.Map(routes);
            if (entrypoint.Port is { } port) endpoint.RequireHost($"*:{port}");
        }
    }
}

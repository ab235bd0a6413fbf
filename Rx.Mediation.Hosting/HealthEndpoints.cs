using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting;

/// <summary>
/// <c>/healthz</c>: the process answers (200). <c>/readyz</c>: 200 only while the engine runs and every node is
/// Healthy, else 503; both list each node with its health and detail.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Json(new { status = "alive" }));
        routes.MapGet("/readyz", (MediationEngine engine) =>
        {
            var nodes = engine.Nodes.Select(n => new NodeStatus(n.Name, n is IEndpoint ? "endpoint" : "entrypoint", n.Health.ToString(), n.HealthDetail)).ToList();
            var ready = engine.State == EngineState.Running && engine.Nodes.All(n => n.Health == NodeHealth.Healthy);
            return Results.Json(
                new { status = ready ? "ready" : "not-ready", engine = engine.State.ToString(), nodes },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }

    private sealed record NodeStatus(string Name, string Kind, string Health, string? Detail);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Hosting;

/// <summary>
/// <c>/healthz</c>: the process answers (200). <c>/readyz</c>: 200 only while the engine runs and every node is
/// Healthy, else 503. Each node with its health and detail is listed only to whoever may use the admin API (loopback
/// clients, or remote ones with the admin key): details name brokers, addresses and topics, which anonymous callers
/// (a load balancer's probe needs only the status) have no business reading.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Json(new { status = "alive" }));
        routes.MapGet("/readyz", (MediationEngine engine, Admin.AdminAccess access, HttpContext context) =>
        {
            var ready = engine.State == EngineState.Running && engine.Nodes.All(n => n.Health == NodeHealth.Healthy);
            var status = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            if (!access.Check(context).IsAllowed)
                return Results.Json(new { status = ready ? "ready" : "not-ready", details = "given to loopback clients and to those with the admin key" }, statusCode: status);
            var nodes = engine.Nodes.Select(n => new NodeStatus(n.Name, n is IEndpoint ? "endpoint" : "entrypoint", n.Health.ToString(), n.HealthDetail)).ToList();
            return Results.Json(new { status = ready ? "ready" : "not-ready", engine = engine.State.ToString(), nodes }, statusCode: status);
        });
    }

    private sealed record NodeStatus(string Name, string Kind, string Health, string? Detail);
}

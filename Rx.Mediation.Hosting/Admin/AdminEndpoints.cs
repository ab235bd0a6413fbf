using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Hosting.Configuration;

namespace Rx.Mediation.Hosting.Admin;

/// <summary>
/// The admin API, JSON over GET, behind <see cref="AdminAccess"/> (loopback clients, or remote ones with the key):
/// <list type="bullet">
/// <item><c>/admin</c>: the server, counts and links to the rest;</item>
/// <item><c>/admin/routes</c>, <c>/admin/routes/{name}</c>: sources, operators with their counters, targets, state, bridge, counters, drops by reason;</item>
/// <item><c>/admin/entrypoints</c>: path, health, connected clients with their queue depth;</item>
/// <item><c>/admin/endpoints</c>: health with its detail, and the broker counters where the endpoint keeps them;</item>
/// <item><c>/admin/config</c>: the active configuration version, when it was loaded, and the last refused change (404 when the
/// server runs from settings rather than a file).</item>
/// </list>
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/admin";

    public const string ConfigPath = "/admin/config";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var decision = http.RequestServices.GetRequiredService<AdminAccess>().Check(http);
            if (!decision.IsAllowed)
            {
                await AdminAccess.WriteAsync(http, decision);
                return Results.Empty;
            }
            http.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });

        group.MapGet("", (AdminSnapshotBuilder snapshots) =>
        {
            var snapshot = snapshots.Build();
            return Results.Json(new
            {
                at = snapshot.At,
                server = snapshot.Server,
                counts = new
                {
                    routes = snapshot.Routes.Count,
                    entrypoints = snapshot.Entrypoints.Count,
                    endpoints = snapshot.Endpoints.Count,
                    clients = snapshot.Entrypoints.Sum(e => e.ClientCount),
                },
                config = new { snapshot.Config.Source, snapshot.Config.Version, snapshot.Config.LoadedAt },
                links = new
                {
                    routes = Prefix + "/routes",
                    route = Prefix + "/routes/{name}",
                    entrypoints = Prefix + "/entrypoints",
                    endpoints = Prefix + "/endpoints",
                    config = ConfigPath,
                    dashboard = "/ui",
                },
            });
        });
        group.MapGet("/routes", (AdminSnapshotBuilder snapshots) => Results.Json(snapshots.Routes()));
        group.MapGet("/routes/{name}", (string name, AdminSnapshotBuilder snapshots) =>
            snapshots.Route(name) is { } route
                ? Results.Json(route)
                : Results.Json(new { error = "unknown-route", message = $"no route named '{name}' (routes: {string.Join(", ", snapshots.Routes().Select(r => r.Name))})" }, statusCode: StatusCodes.Status404NotFound));
        group.MapGet("/entrypoints", (AdminSnapshotBuilder snapshots) => Results.Json(snapshots.Entrypoints()));
        group.MapGet("/endpoints", (AdminSnapshotBuilder snapshots) => Results.Json(snapshots.Endpoints()));
        group.MapGet("/config", (HttpContext context) =>
        {
            if (context.RequestServices.GetService<ConfigStatus>() is not { } status)
                return Results.Json(new { error = "no-config-file", message = "the server runs from its settings (appsettings, environment, command line), not from a configuration file: there is no configuration version" }, statusCode: StatusCodes.Status404NotFound);
            var current = status.Current;
            var first = current.LastError?.Errors.FirstOrDefault();
            return Results.Json(new
            {
                version = current.Version,
                loadedAt = current.LoadedAt,
                file = current.File,
                hash = current.Hash,
                routes = current.Routes,
                lastError = current.LastError is null ? null : new
                {
                    message = first?.Message,
                    line = first?.Location.Line,
                    column = first?.Location.Column,
                    at = current.LastError.At,
                    errors = current.LastError.Errors.Select(e => new { file = e.Location.File, line = e.Location.Line, column = e.Location.Column, message = e.Message }),
                },
                recentErrors = current.RecentErrors.Select(r => new
                {
                    at = r.At,
                    errors = r.Errors.Select(e => new { file = e.Location.File, line = e.Location.Line, column = e.Location.Column, message = e.Message }),
                }),
            });
        });
        return group;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Server.Configuration;

namespace Rx.Mediation.Server.Admin;

/// <summary>
/// <c>GET /admin/config</c>: the active configuration version, when it was loaded, its routes, and the last refused
/// change with its position. It shows file paths and errors, so it answers loopback clients only unless allowed.
/// </summary>
public static class AdminEndpoints
{
    public const string ConfigPath = "/admin/config";

    public static void MapAdmin(this IEndpointRouteBuilder routes, ConfigStatus status, bool allowRemote)
    {
        routes.MapGet(ConfigPath, (HttpContext context) =>
        {
            if (!allowRemote && context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
                return Results.NotFound();
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
            });
        });
    }
}

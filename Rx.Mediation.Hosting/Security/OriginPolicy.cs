using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Which browser origins may reach the server (see <see cref="BrowserSafety"/>): the server's own always (on any of
/// its listeners), those in
/// <see cref="SecurityOptions.AllowedOrigins"/> (with CORS headers), and loopback origins for WebSocket upgrades
/// only. An entrypoint with a list of its own in <see cref="SecurityOptions.Origins"/> takes that one instead of
/// AllowedOrigins; routing has found the entrypoint by then (<see cref="EntrypointCors"/> marks its paths). Requests
/// without an <c>Origin</c> (curl, brokers' clients, same-origin navigation) are not browsers' cross-site requests and pass.
/// </summary>
internal sealed class OriginPolicy
{
    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _allowed;
    private readonly Dictionary<string, HashSet<string>> _byEntrypoint;
    private long _lastRefusalLog = long.MinValue;

    public OriginPolicy(SecurityOptions options)
    {
        _allowed = Normalized(options.AllowedOrigins);
        _byEntrypoint = options.Origins.ToDictionary(o => o.Key, o => Normalized(o.Value), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="origin"/> is configured for <paramref name="entrypoint"/> (null: outside every entrypoint), compared normalised.</summary>
    public bool IsConfigured(string? entrypoint, string origin) =>
        (origin == "null" ? origin : Origins.Normalize(origin)) is { } normalized && ListOf(entrypoint).Contains(normalized);

    /// <summary>What marks <paramref name="entrypoint"/>'s paths: its name for the origin check, and its CORS policy.</summary>
    public EntrypointCors MarkFor(string entrypoint) =>
        new(entrypoint, BrowserSafety.CorsPolicy(origin => IsConfigured(entrypoint, origin)));

    public Task Check(HttpContext context, RequestDelegate next, ILogger logger)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return next(context);
        var normalized = origin == "null" ? "null" : Origins.Normalize(origin);
        if (normalized is not null && IsOwn(normalized, context)) return next(context);
        var entrypoint = context.GetEndpoint()?.Metadata.GetMetadata<EntrypointCors>()?.Entrypoint;
        var configured = normalized is not null && ListOf(entrypoint).Contains(normalized);
        // Before the WebSocket middleware, which is what would say so: an upgrade asks for "websocket" (HTTP/1.1) or
        // CONNECTs with the websocket protocol (HTTP/2).
        var webSocket = string.Equals(request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
                        || string.Equals(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        // Allowed: CORS headers and preflights are ASP.NET Core's CORS middleware's, next in line (BrowserSafety).
        if (configured || (webSocket && normalized is not null && Origins.IsLoopback(normalized))) return next(context);
        var setting = entrypoint is not null && _byEntrypoint.ContainsKey(entrypoint)
            ? $"Mediation:Security:Origins:{entrypoint} (server: security: origins: {entrypoint})"
            : "Mediation:Security:AllowedOrigins (server: security: allowed-origins)"
              + (entrypoint is null ? "" : $", or to Mediation:Security:Origins:{entrypoint} for entrypoint '{entrypoint}' alone");
        LogRefusal(logger, origin, request.Path, entrypoint);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"origin '{origin}' is not allowed: add it to {setting} to let its pages in\n");
    }

    /// <summary>
    /// A page the server itself serves: the request's own origin, or the same host name on another of the server's
    /// listeners (a page from the http:// listener calling the https:// one, or the other way round).
    /// </summary>
    private static bool IsOwn(string origin, HttpContext context)
    {
        var request = context.Request;
        if (origin == Origins.Normalize($"{request.Scheme}://{request.Host}")) return true;
        var addresses = context.RequestServices?.GetService(typeof(IServer)) is IServer server ? server.Features.Get<IServerAddressesFeature>()?.Addresses : null;
        if (addresses is null || !Uri.TryCreate(origin, UriKind.Absolute, out var page) || !string.Equals(page.Host.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var listener) && listener.Scheme == page.Scheme && listener.Port == page.Port) return true;
        }
        return false;
    }

    private HashSet<string> ListOf(string? entrypoint) =>
        entrypoint is not null && _byEntrypoint.TryGetValue(entrypoint, out var own) ? own : _allowed;

    private static HashSet<string> Normalized(IEnumerable<string> origins) =>
        origins.Select(o => o == "null" ? o : Origins.Normalize(o)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>Refusals are a browser's doing, possibly many: one line per 10 s at most, never a stack trace.</summary>
    private void LogRefusal(ILogger logger, string origin, PathString path, string? entrypoint)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastRefusalLog);
        // long.MinValue is "never logged": now - long.MinValue would overflow, and every line would be left out.
        if ((last != long.MinValue && now - last < RefusalLogInterval.TotalMilliseconds) || Interlocked.CompareExchange(ref _lastRefusalLog, now, last) != last) return;
        logger.LogWarning("Refused a request to {Path} (entrypoint {Entrypoint}) from origin {Origin}: not the server's own and not among the allowed origins",
            path.Value, entrypoint ?? "none", origin);
    }
}

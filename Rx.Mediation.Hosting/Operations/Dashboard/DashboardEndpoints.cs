using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Hosting.Entrypoints;

namespace Rx.Mediation.Hosting.Operations.Dashboard;

/// <summary>
/// <c>/ui</c>: the dashboard, one page the server serves itself from embedded resources (no CDN, no build step), and
/// <c>/ui/stream</c>, the Server-Sent Events it draws from: <c>snapshot</c> every second, <c>marbles</c> as events flow,
/// <c>lagged</c> when this viewer lost messages. Data follows the admin access rule (<see cref="AdminAccess"/>; the key
/// may come as <c>?key=</c>); the page itself is served to whoever could get in with a key, so it can ask for one.
/// </summary>
public static class DashboardEndpoints
{
    public const string Prefix = "/ui";

    public const string StreamPath = "/ui/stream";

    // Everything the page loads comes from here; connect-src 'self' keeps its stream and fetches on this server too.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("", "index.html", "text/html; charset=utf-8"), // routing matches /ui and /ui/ alike
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "favicon.svg", "image/svg+xml"),
    ];

    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix);
        foreach (var (path, resource, contentType) in Assets)
        {
            var content = Load(resource);
            group.MapGet(path, async (HttpContext context, AdminAccess access) =>
            {
                if (!access.CouldAllow(context))
                {
                    await AdminAccess.WriteAsync(context, access.Check(context, acceptQueryKey: true));
                    return;
                }
                var headers = context.Response.Headers;
                headers.ContentType = contentType;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
                context.Response.ContentLength = content.Length;
                await context.Response.Body.WriteAsync(content, context.RequestAborted);
            });
        }
        group.MapGet("/stream", StreamAsync);
        return group;
    }

    private static async Task StreamAsync(HttpContext context, AdminAccess access, DashboardHub hub, IHostApplicationLifetime lifetime)
    {
        var decision = access.Check(context, acceptQueryKey: true);
        if (!decision.IsAllowed)
        {
            await AdminAccess.WriteAsync(context, decision);
            return;
        }
        using var viewer = hub.Join();
        if (viewer is null)
        {
            await JsonErrors.WriteUnavailableAsync(context, $"the dashboard has {hub.Options.MaxViewers} viewers already", TimeSpan.FromSeconds(10));
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // The stream ends when the viewer goes away or the server begins to stop (it must not hold shutdown up).
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellation = done.Token;
        try
        {
            await response.Body.WriteAsync("retry: 2000\n\n"u8.ToArray(), cancellation);
            await response.Body.FlushAsync(cancellation);
            long reported = 0;
            while (await viewer.Reader.WaitToReadAsync(cancellation))
            {
                while (viewer.Reader.TryRead(out var frame)) await response.Body.WriteAsync(frame, cancellation);
                var dropped = viewer.Dropped;
                if (dropped != reported)
                {
                    reported = dropped;
                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: lagged\ndata: {{\"dropped\":{dropped}}}\n\n"), cancellation);
                }
                await response.Body.FlushAsync(cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The viewer left, or the server is stopping: the stream just ends.
        }
        catch (IOException)
        {
            // The connection broke while writing: nobody is left to tell.
        }
    }

    private static byte[] Load(string resource)
    {
        var name = "Rx.Mediation.Hosting.Dashboard." + resource;
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard's resource '{name}' is not embedded in the server");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

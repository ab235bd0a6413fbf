using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// What keeps a browser from being turned against the server. <c>Host</c> names outside <see cref="SecurityOptions.AllowedHosts"/>
/// get 400 (ASP.NET Core's host filtering), so a DNS-rebound page cannot reach the loopback-only admin API. A request
/// with an <c>Origin</c> that is neither the server's own nor allowed gets 403 before any entrypoint sees it: a page
/// elsewhere can neither open a WebSocket with the user's cookies nor publish with a simple POST (which a browser sends
/// without asking first). Allowed cross-origin pages get CORS headers, and their preflights are answered, by ASP.NET
/// Core's CORS middleware. Each web entrypoint may have its own list of origins (<see cref="SecurityOptions.Origins"/>).
/// </summary>
public static class BrowserSafety
{
    /// <summary>The host names the server answers, from the options and the listeners' URLs (http:// and https://).</summary>
    public static IReadOnlyList<string> AllowedHosts(SecurityOptions options, params string[] urls)
    {
        if (options.AllowedHosts.Count > 0) return options.AllowedHosts;
        var hosts = new List<string> { "localhost", "127.0.0.1", "[::1]" };
        foreach (var url in urls)
        {
            var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "";
            if (host is "0.0.0.0" or "[::]" or "::" or "*" or "+" || url.Contains("://*", StringComparison.Ordinal) || url.Contains("://+", StringComparison.Ordinal)) return ["*"];
            if (host.Length > 0) hosts.Add(host);
        }
        return hosts;
    }

    public static void AddBrowserSafety(this IServiceCollection services, SecurityOptions options, string[] urls)
    {
        var hosts = AllowedHosts(options, urls);
        // Configured before the host's own post-configuration, which only fills AllowedHosts when it is empty.
        services.Configure<HostFilteringOptions>(filtering =>
        {
            filtering.AllowedHosts = [.. hosts];
            filtering.AllowEmptyHosts = false;
            filtering.IncludeFailureMessage = true;
        });
        var origins = new OriginPolicy(options);
        services.AddSingleton(origins);
        // Paths outside every entrypoint (admin, health, metrics) follow AllowedOrigins; each entrypoint's carry their own policy.
        services.AddCors(cors => cors.AddDefaultPolicy(CorsPolicy(origin => origins.IsConfigured(null, origin))));
        services.AddSingleton(new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerAddress, options.MaxConnectionsPerPrincipal));
        services.AddSingleton(new PostRateLimiter(options.PostsPerSecondPerAddress, options.PostBurstPerAddress,
            options.PostsPerSecondPerPrincipal, options.PostBurstPerPrincipal));
    }

    /// <summary>
    /// Only configured origins get CORS headers; the server's own needs none, and loopback pages may open WebSockets only.
    /// A predicate, not a list: origins are compared as normalised, and the answer then varies by Origin for caches.
    /// </summary>
    internal static CorsPolicy CorsPolicy(Func<string, bool> isAllowed) => new CorsPolicyBuilder()
        .SetIsOriginAllowed(isAllowed)
        .WithMethods(HttpMethods.Get, HttpMethods.Post)
        .AllowAnyHeader()
        .WithExposedHeaders("Retry-After", "X-Resume", "Last-Event-ID")
        .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
        .Build();

    /// <summary>Host filtering, then the origin check; before the WebSocket middleware and every endpoint.</summary>
    public static void UseBrowserSafety(this IApplicationBuilder app)
    {
        app.UseHostFiltering();
        var policy = app.ApplicationServices.GetRequiredService<OriginPolicy>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrowserSafety).FullName!);
        app.Use((context, next) => policy.Check(context, next, logger));
        app.UseCors();
    }
}

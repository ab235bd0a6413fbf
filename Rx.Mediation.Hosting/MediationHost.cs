using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting;

/// <summary>
/// Runs the engine with the web server. A lifecycle service so that the drain happens in <see cref="StoppingAsync"/>,
/// before Kestrel stops: web input is refused (503), in-flight requests get their answer, routes drain so accepted
/// events still reach streaming clients, those clients receive what is queued and are closed, and only then Kestrel
/// stops (with no long request left to wait for) and the engine stops its endpoints.
/// </summary>
public sealed class MediationHost(
    MediationEngine engine,
    EntrypointRegistry registry,
    IServiceProvider services,
    IReadOnlyList<RouteDefinition> routes,
    MediationOptions options,
    DropLog dropLog,
    IServer server,
    ILogger<MediationHost> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        dropLog.Start();
        await engine.ApplyRoutesAsync(routes, cancellationToken);
        await engine.StartAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        // The shared listener's address (an http:// Url is not the https:// listener beside it).
        var scheme = new Uri(options.Url).Scheme + "://";
        registry.Listener = addresses.FirstOrDefault(a => a.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault() ?? options.Url;
        var urls = registry.Current.Select(e => (Entrypoint: e, Url: registry.UrlOf(e))).ToList();
        logger.LogInformation("Mediation server listening on {Listeners} with entrypoints {Entrypoints} and routes {Routes}",
            string.Join(", ", addresses),
            string.Join(", ", urls.Select(u => $"{u.Entrypoint.Name}={u.Url}")),
            string.Join("; ", routes.Select(r => r.ToString())));
        foreach (var (entrypoint, url) in urls)
        {
            logger.LogInformation("Entrypoint {Entrypoint} ({Kind}) at {Url}", entrypoint.Name, entrypoint.GetType().Name, url);
        }
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A reload in progress finishes first; none starts after this (the entrypoints below are the last ones).
        if (services.GetService<ConfigRuntime>() is { } configuration) await configuration.CloseAsync(cancellationToken);
        var entrypoints = registry.Current;
        logger.LogInformation("Stopping: refusing new web input, draining {RouteCount} routes", engine.Routes.Count);
        var started = DateTime.UtcNow;
        foreach (var entrypoint in entrypoints) entrypoint.Refuse();
        try
        {
            await Task.WhenAll(entrypoints.Select(e => e.WhenIdleAsync(cancellationToken))).WaitAsync(options.DrainTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Requests were still waiting for the routes' answer after {Timeout}", options.DrainTimeout);
        }
        // Upstream routes drain first, so events between two routes (into the memory broker and out again) arrive.
        await engine.DrainAsync(cancellationToken);
        var clients = entrypoints.Sum(e => e.Sessions.Count);
        await Task.WhenAll(entrypoints.Select(e => e.CloseClientsAsync(options.ClientCloseTimeout, cancellationToken)));
        logger.LogInformation("Closed {ClientCount} streaming clients after {ElapsedMs} ms of draining", clients, (long)(DateTime.UtcNow - started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await engine.StopAsync(cancellationToken);
        dropLog.Stop();
    }
}

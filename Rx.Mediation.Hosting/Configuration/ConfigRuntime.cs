using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Owns what the configuration file put into the engine and changes only what a new version changed.
/// <para>Unchanged routes keep running (same fingerprint); unchanged endpoints and entrypoints keep their connections
/// and clients. Everything new is built first: new and changed endpoints and web entrypoints are created (and their
/// paths mapped), then <see cref="MediationEngine.ApplyAsync"/> brings them in make-before-break: the new instances
/// are started with their routes, every source switches in one step and the published paths with it, and only then
/// do the replaced routes drain into the instances they were built with. Last, entrypoints that went away let their
/// clients finish (SSE streams end, WebSockets close with 1001, long polls answer) and stop, and old endpoints stop.</para>
/// <para>The <c>server:</c> section, and an entrypoint port Kestrel does not already listen on, need a restart: such a
/// version is refused with an error at its line. Except what follows reloads (<see cref="ServerSections.FollowingReloads"/>):
/// the section's new keys go into the server's configuration (<see cref="YamlConfigurationSource.Replace"/>), from
/// which the rights are applied before the new version is announced, and the packet log follows it.</para>
/// </summary>
public sealed class ConfigRuntime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly MediationEngine engine;
    private readonly EndpointCatalog catalog;
    private readonly EntrypointRegistry registry;
    private readonly MediationOptions options;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly IReadOnlyList<RouteDefinition> _codeRoutes;
    private readonly List<RouteRuntime> _everyRoute = [];
    private readonly YamlConfigurationSource? _serverSection;
    private bool _closed;

    /// <param name="codeRoutes">Routes written in code, run beside the file's; fingerprint them with <see cref="Fingerprinted"/>.</param>
    public ConfigRuntime(
        MediationEngine engine, EndpointCatalog catalog, EntrypointRegistry registry, MediationOptions options, ILoggerFactory loggers,
        IReadOnlyList<RouteDefinition> codeRoutes, ServerConfig initial, ConfigStatus status, YamlConfigurationSource? serverSection = null)
    {
        _serverSection = serverSection;
        this.engine = engine;
        this.catalog = catalog;
        this.registry = registry;
        this.options = options;
        this.loggers = loggers;
        logger = loggers.CreateLogger<ConfigRuntime>();
        _codeRoutes = codeRoutes;
        Active = initial;
        Status = status;
    }

    /// <summary>Code routes carry no fingerprint of their own; one per process keeps them running across reloads.</summary>
    public static IReadOnlyList<RouteDefinition> Fingerprinted(IEnumerable<RouteDefinition> codeRoutes) =>
        [.. codeRoutes.Select(r => r.Fingerprint is null ? r with { Fingerprint = $"code:{r.Name}:{Guid.NewGuid():N}" } : r)];

    public ServerConfig Active { get; private set; }

    public ConfigStatus Status { get; }

    /// <summary>How many route instances <see cref="RouteHistory"/> keeps: the ledgers of recent versions, never a growing list.</summary>
    public const int RouteHistoryLimit = 256;

    /// <summary>
    /// The last <see cref="RouteHistoryLimit"/> route runtimes started by this configuration, replaced ones included,
    /// oldest first, for their ledgers. <see cref="MediationEngine.RouteTotals"/> holds the counts of every version.
    /// </summary>
    public IReadOnlyList<RouteRuntime> RouteHistory
    {
        get { lock (_everyRoute) return [.. _everyRoute]; }
    }

    /// <summary>Records the routes now running (call after each apply) so replaced ones stay reachable for their ledgers.</summary>
    public void Observe()
    {
        lock (_everyRoute)
        {
            foreach (var route in engine.Routes.Where(r => !_everyRoute.Contains(r))) _everyRoute.Add(route);
            // A replaced route holds its bridge and the nodes it was built with: older ones are let go.
            if (_everyRoute.Count > RouteHistoryLimit) _everyRoute.RemoveRange(0, _everyRoute.Count - RouteHistoryLimit);
        }
    }

    /// <summary>The server is stopping: waits for a reload in progress, and refuses any later one.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        _closed = true;
        _gate.Release();
    }

    /// <summary>Applies <paramref name="next"/>; throws <see cref="ConfigException"/> (nothing changed) when it cannot be.</summary>
    public async Task ApplyAsync(ServerConfig next, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closed) throw new ConfigException([new ConfigError(new ConfigLocation(next.File, 1, 1), "the server is stopping: the file is no longer applied")]);
            Observe();
            var active = Active;
            RefuseRestartOnlyChanges(active, next);
            var endpoints = Diff(active.Endpoints, next.Endpoints, e => e.Name, e => e.Canonical);
            var entrypoints = Diff(active.Entrypoints, next.Entrypoints, e => e.Name, e => e.Canonical);

            // Created and mapped before anything changes: a provider refusing its settings, or a path routing cannot
            // take, refuses the whole version.
            var freshEndpoints = CreateEndpoints(catalog, loggers, endpoints.Added.Concat(endpoints.Changed));
            var freshEntrypoints = CreateEntrypoints(entrypoints.Added.Concat(entrypoints.Changed));
            var published = next.Entrypoints.Select(e => freshEntrypoints.GetValueOrDefault(e.Name) ?? Published(e.Name)).ToList();
            var unpublished = registry.Current.Where(e => !published.Contains(e)).ToList();

            var final = RouteSet(_codeRoutes, next);
            var incoming = freshEndpoints.Concat<IMediationNode>(freshEntrypoints.Values).ToList();
            // Paths switch with the routes: a new entrypoint answers once its routes are there, a removed one 404s once its routes are gone.
            var retired = await engine.ApplyAsync(final, incoming, () => registry.Publish(published), cancellationToken).ConfigureAwait(false);
            Observe();

            // Switched: what follows only retires what went away, and logs rather than throws.
            var leaving = unpublished.Concat(retired.OfType<WebEntrypoint>()).Distinct().ToList();
            await Task.WhenAll(leaving.Select(e => RetireAsync(e, entrypoints.Changed.Any(c => c.Name == e.Name) ? "entrypoint changed: reconnect" : "entrypoint removed")))
                .ConfigureAwait(false);
            foreach (var node in retired.Where(n => n is not WebEntrypoint)) await StopAsync(node).ConfigureAwait(false);
            foreach (var name in endpoints.Removed.Where(n => !next.NodeNames.Contains(n)))
            {
                await StopAsync(engine.Find(name), remove: true).ConfigureAwait(false);
            }
            Active = next;
            // Before the new version is announced: whoever waits for it finds its rights in force.
            _serverSection?.Replace(next.Server.Keys);
            Status.Loaded(next, DateTimeOffset.UtcNow);

            logger.LogInformation("Configuration {File} applied: {Routes} routes{Changes}", next.File, final.Count, Changes(
                ("endpoints added", endpoints.Added.Select(e => e.Name)), ("endpoints changed", endpoints.Changed.Select(e => e.Name)), ("endpoints removed", endpoints.Removed),
                ("entrypoints added", entrypoints.Added.Select(e => e.Name)), ("entrypoints changed", entrypoints.Changed.Select(e => e.Name)), ("entrypoints removed", entrypoints.Removed)));
            foreach (var entrypoint in freshEntrypoints.Values)
            {
                logger.LogInformation("Entrypoint {Entrypoint} ({Kind}) at {Url}", entrypoint.Name, entrypoint.GetType().Name, registry.UrlOf(entrypoint));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The routes a version runs: code routes, then the file's.</summary>
    public static IReadOnlyList<RouteDefinition> RouteSet(IReadOnlyList<RouteDefinition> codeRoutes, ServerConfig config)
    {
        // A route is kept only if neither its text nor any node it names changed: a replaced endpoint or entrypoint is a new object.
        var nodes = config.Endpoints.Select(e => (e.Name, e.Canonical)).Concat(config.Entrypoints.Select(e => (e.Name, e.Canonical)))
            .ToDictionary(n => n.Name, n => n.Canonical, StringComparer.Ordinal);
        var fromFile = config.Routes.Select(r => r.Definition with
        {
            Fingerprint = r.Definition.Fingerprint + "|" + string.Join("|", r.Nodes.Select(n => nodes.GetValueOrDefault(n.Name, n.Name)).Distinct()),
        });
        return [.. codeRoutes, .. fromFile];
    }

    /// <summary>Creates endpoints through their providers; any refusal throws <see cref="ConfigException"/> at the endpoint's line.</summary>
    public static List<IEndpoint> CreateEndpoints(EndpointCatalog catalog, ILoggerFactory loggers, IEnumerable<EndpointConfig> endpoints)
    {
        var created = new List<IEndpoint>();
        var errors = new List<ConfigError>();
        foreach (var endpoint in endpoints)
        {
            var (made, problems) = catalog.Create(endpoint.ToConfiguration(), loggers);
            if (problems.Count > 0) errors.AddRange(problems.Select(endpoint.ErrorFor));
            else created.AddRange(made);
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return created;
    }

    /// <summary>Creates entrypoints and maps their paths, unpublished; a path routing refuses throws at the entrypoint's line.</summary>
    private Dictionary<string, WebEntrypoint> CreateEntrypoints(IEnumerable<EntrypointConfig> entrypoints)
    {
        var created = new Dictionary<string, WebEntrypoint>(StringComparer.Ordinal);
        var errors = new List<ConfigError>();
        foreach (var config in entrypoints)
        {
            var entrypoint = config.Create();
            try
            {
                registry.Prepare(entrypoint);
                created[config.Name] = entrypoint;
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(new ConfigError(config.Location, ex.Message));
            }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return created;
    }

    private WebEntrypoint Published(string name) =>
        registry.Current.FirstOrDefault(e => e.Name == name) ?? throw new InvalidOperationException($"entrypoint '{name}' is not published");

    /// <summary>
    /// An entrypoint no longer published: requests already running get their answer, streaming clients receive what
    /// the drained routes queued for them and are closed, then it stops.
    /// </summary>
    private async Task RetireAsync(WebEntrypoint entrypoint, string reason)
    {
        try
        {
            entrypoint.ClosingReason = reason;
            var clients = entrypoint.Sessions.Count;
            try
            {
                await entrypoint.WhenIdleAsync(CancellationToken.None).WaitAsync(options.DrainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Entrypoint {Entrypoint}: requests were still waiting for the routes' answer after {Timeout}", entrypoint.Name, options.DrainTimeout);
            }
            await entrypoint.CloseClientsAsync(options.ClientCloseTimeout, CancellationToken.None).ConfigureAwait(false);
            await StopAsync(entrypoint, remove: ReferenceEquals(engine.Find(entrypoint.Name), entrypoint)).ConfigureAwait(false);
            logger.LogInformation("Entrypoint {Entrypoint} at {Path} retired ({Reason}); {ClientCount} clients closed", entrypoint.Name, entrypoint.Path, reason, clients);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Retiring entrypoint {Entrypoint} failed: {Reason}", entrypoint.Name, ex.Message);
        }
        finally
        {
            registry.Forget(entrypoint);
        }
    }

    /// <summary>Stops a node that is no longer routed; <paramref name="remove"/> also unregisters it from the engine.</summary>
    private async Task StopAsync(IMediationNode? node, bool remove = false)
    {
        if (node is null) return;
        try
        {
            if (remove) await engine.RemoveAsync(node.Name).ConfigureAwait(false);
            else await node.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Stopping {Node} after a reload failed: {Reason}", node.Name, ex.Message);
        }
    }

    private void RefuseRestartOnlyChanges(ServerConfig active, ServerConfig next)
    {
        var errors = new List<ConfigError>();
        if (active.ServerCanonical != next.ServerCanonical)
            errors.Add(new ConfigError(next.ServerLocation ?? new ConfigLocation(next.File, 1, 1), "the 'server' section changed: it is read at start only; restart the server to apply it"));
        var listening = registry.ListenerPorts.Append(new Uri(registry.Listener ?? options.Url).Port).Where(p => p > 0).Distinct().Order().ToList();
        foreach (var e in next.Entrypoints.Where(e => e.Options.Port is { } port && !listening.Contains(port)))
        {
            if (active.Entrypoints.Any(a => a.Name == e.Name && a.Canonical == e.Canonical)) continue;
            errors.Add(new ConfigError(e.PortLocation ?? e.Location,
                $"entrypoint '{e.Name}': port {e.Options.Port} needs a listener the server did not open at start (listening on {string.Join(", ", listening)}); " +
                "Kestrel cannot add one while running: restart the server to apply it, or use a port it listens on"));
        }
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    private static (List<T> Added, List<T> Changed, List<string> Removed) Diff<T>(
        IReadOnlyList<T> active, IReadOnlyList<T> next, Func<T, string> name, Func<T, string> canonical)
    {
        var previous = active.ToDictionary(name, StringComparer.Ordinal);
        var added = next.Where(e => !previous.ContainsKey(name(e))).ToList();
        var changed = next.Where(e => previous.TryGetValue(name(e), out var p) && canonical(p) != canonical(e)).ToList();
        var removed = active.Select(name).Where(n => next.All(e => name(e) != n)).ToList();
        return (added, changed, removed);
    }

    /// <summary>The non-empty lists only, e.g. <c>; endpoints changed orders; entrypoints added sse2</c>; empty when no node changed.</summary>
    internal static string Changes(params (string What, IEnumerable<string> Names)[] lists) =>
        string.Concat(lists.Select(l => (l.What, Names: string.Join(", ", l.Names))).Where(l => l.Names.Length > 0).Select(l => $"; {l.What} {l.Names}"));
}

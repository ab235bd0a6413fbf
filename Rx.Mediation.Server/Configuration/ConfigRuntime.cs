using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Routing;
using Rx.Mediation.Server.Endpoints;

namespace Rx.Mediation.Server.Configuration;

/// <summary>
/// Owns what the configuration file put into the engine and changes only what a new version changed.
/// <para>Unchanged routes keep running (same fingerprint); unchanged endpoints keep their connections. Endpoints that
/// are removed or whose settings changed are taken out only after the routes using them have drained, so nothing a
/// bridge accepted is lost; while that happens those routes are briefly absent (their sources answer "no route").
/// Web entrypoints and the <c>server:</c> section are read at start only: a change to them is refused with an error.</para>
/// </summary>
public sealed class ConfigRuntime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly MediationEngine engine;
    private readonly EndpointCatalog catalog;
    private readonly ILoggerFactory loggers;
    private readonly IReadOnlyList<RouteDefinition> _codeRoutes;
    private readonly List<RouteRuntime> _everyRoute = [];

    /// <param name="codeRoutes">Routes written in code, run beside the file's; fingerprint them with <see cref="Fingerprinted"/>.</param>
    public ConfigRuntime(MediationEngine engine, EndpointCatalog catalog, ILoggerFactory loggers, IReadOnlyList<RouteDefinition> codeRoutes, ServerConfig initial, ConfigStatus status)
    {
        this.engine = engine;
        this.catalog = catalog;
        this.loggers = loggers;
        _codeRoutes = codeRoutes;
        Active = initial;
        Status = status;
    }

    /// <summary>Code routes carry no fingerprint of their own; one per process keeps them running across reloads.</summary>
    public static IReadOnlyList<RouteDefinition> Fingerprinted(IEnumerable<RouteDefinition> codeRoutes) =>
        [.. codeRoutes.Select(r => r.Fingerprint is null ? r with { Fingerprint = $"code:{r.Name}:{Guid.NewGuid():N}" } : r)];

    public ServerConfig Active { get; private set; }

    public ConfigStatus Status { get; }

    /// <summary>Every route runtime ever started by this configuration, replaced ones included, for their ledgers.</summary>
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
        }
    }

    /// <summary>Applies <paramref name="next"/>; throws <see cref="ConfigException"/> (nothing changed) when it cannot be.</summary>
    public async Task ApplyAsync(ServerConfig next, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Observe();
            var active = Active;
            RefuseStartOnlyChanges(active, next);
            var previous = active.Endpoints.ToDictionary(e => e.Name, StringComparer.Ordinal);
            var added = next.Endpoints.Where(e => !previous.ContainsKey(e.Name)).ToList();
            var changed = next.Endpoints.Where(e => previous.TryGetValue(e.Name, out var p) && p.Canonical != e.Canonical).ToList();
            var removed = active.Endpoints.Where(e => next.Endpoints.All(n => n.Name != e.Name)).Select(e => e.Name).ToList();

            // Created before anything changes: a provider refusing its settings refuses the whole version.
            var fresh = CreateEndpoints(catalog, loggers, added.Concat(changed)).ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var e in added)
            {
                // Left over from a version that failed half-way: no route uses it, so it can go.
                if (engine.Find(e.Name) is IEndpoint) await engine.RemoveAsync(e.Name, cancellationToken).ConfigureAwait(false);
                await engine.AddAsync(fresh[e.Name], cancellationToken).ConfigureAwait(false);
            }

            var final = RouteSet(_codeRoutes, next);
            var leaving = removed.Concat(changed.Select(c => c.Name)).ToHashSet(StringComparer.Ordinal);
            if (leaving.Count > 0)
            {
                // Routes touching a leaving endpoint drain first; only then can the endpoint go.
                await engine.ApplyRoutesAsync(final.Where(r => !Uses(r, leaving)), cancellationToken).ConfigureAwait(false);
                Observe();
                foreach (var name in leaving)
                {
                    await engine.RemoveAsync(name, cancellationToken).ConfigureAwait(false);
                }
                foreach (var e in changed) await engine.AddAsync(fresh[e.Name], cancellationToken).ConfigureAwait(false);
            }
            await engine.ApplyRoutesAsync(final, cancellationToken).ConfigureAwait(false);
            Observe();
            Active = next;
            Status.Loaded(next, DateTimeOffset.UtcNow);
            var logger = loggers.CreateLogger<ConfigRuntime>();
            logger.LogInformation("Configuration {File} applied: {Routes} routes; endpoints added {Added}, changed {Changed}, removed {Removed}",
                next.File, final.Count, string.Join(",", added.Select(a => a.Name)), string.Join(",", changed.Select(c => c.Name)), string.Join(",", removed));
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool Uses(RouteDefinition route, IReadOnlySet<string> nodes) =>
        route.Targets.Any(nodes.Contains) || route.AllSources.Any(s => nodes.Contains(s.Node));

    /// <summary>The routes a version runs: code routes, then the file's.</summary>
    public static IReadOnlyList<RouteDefinition> RouteSet(IReadOnlyList<RouteDefinition> codeRoutes, ServerConfig config)
    {
        // A route is kept only if neither its text nor any node it names changed: a replaced endpoint is a new object.
        var nodes = config.Endpoints.ToDictionary(e => e.Name, e => e.Canonical, StringComparer.Ordinal);
        var fromFile = config.Routes.Select(r => r.Definition with
        {
            Fingerprint = r.Definition.Fingerprint + "|" + string.Join("|", r.Nodes.Select(n => nodes.GetValueOrDefault(n.Name, n.Name)).Distinct()),
        });
        return [.. codeRoutes, .. fromFile];
    }

    private static void RefuseStartOnlyChanges(ServerConfig active, ServerConfig next)
    {
        var errors = new List<ConfigError>();
        foreach (var e in next.Entrypoints.Where(e => active.Entrypoints.All(a => a.Name != e.Name)))
            errors.Add(new ConfigError(e.Location, $"entrypoint '{e.Name}' is new: web entrypoints are read at start only; restart the server to add it"));
        foreach (var e in next.Entrypoints.Where(e => active.Entrypoints.Any(a => a.Name == e.Name && a.Canonical != e.Canonical)))
            errors.Add(new ConfigError(e.Location, $"entrypoint '{e.Name}' changed: web entrypoints are read at start only; restart the server to change it"));
        foreach (var a in active.Entrypoints.Where(a => next.Entrypoints.All(e => e.Name != a.Name)))
            errors.Add(new ConfigError(new ConfigLocation(next.File, 1, 1), $"entrypoint '{a.Name}' was removed: web entrypoints are read at start only; restart the server to remove it"));
        if (active.ServerCanonical != next.ServerCanonical)
            errors.Add(new ConfigError(new ConfigLocation(next.File, 1, 1), "the 'server' section changed: it is read at start only; restart the server to apply it"));
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    /// <summary>Creates endpoints through their providers; any refusal throws <see cref="ConfigException"/> at the endpoint's line.</summary>
    public static List<IEndpoint> CreateEndpoints(EndpointCatalog catalog, ILoggerFactory loggers, IEnumerable<EndpointConfig> endpoints)
    {
        var created = new List<IEndpoint>();
        var errors = new List<ConfigError>();
        foreach (var endpoint in endpoints)
        {
            var (made, problems) = catalog.Create(endpoint.ToConfiguration(), loggers);
            if (problems.Count > 0) errors.AddRange(problems.Select(p => new ConfigError(endpoint.Location, p)));
            else created.AddRange(made);
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return created;
    }
}

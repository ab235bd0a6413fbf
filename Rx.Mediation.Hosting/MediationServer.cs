using System.Reactive.Concurrency;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Hosting.Security;
using Rx.Mediation.Hosting.Security.Identity;
using Rx.Mediation.Hosting.Security.Tls;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Hosting;

/// <summary>
/// The server's composition, shared by Program and the specs: configuration → logging → Kestrel → engine, nodes
/// and routes → hosted lifecycle → health and entrypoint paths.
/// </summary>
public static class MediationServer
{
    public static WebApplication Build(string[] args, Action<MediationServerBuilder>? configure = null)
    {
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configFile = ConfigFileLocator.Find(web.Configuration["config"]);
        // The file's server: section joins the one configuration, so the options are bound once from every source.
        var fileSection = configFile is null ? null : new YamlConfigurationSource(ServerConfigReader.ServerKeys(configFile));
        if (fileSection is not null) YamlConfigurationSource.AddBeforeEnvironment(web.Configuration, fileSection);
        var (options, bindingErrors) = BindOptions(web.Configuration);
        var builder = new MediationServerBuilder(web, options);
        AddJsonLogging(web);
        configure?.Invoke(builder);

        var loggers = new DeferredLoggerFactory();
        if (configFile is not null) return BuildFromFile(web, builder, configFile, fileSection!, loggers, bindingErrors);

        ThrowIfInvalid(bindingErrors, options);
        var routes = builder.Routes?.ToList() ?? ConfiguredRoutes.FromOptions(options);
        var entrypoints = EntrypointCatalog.Entrypoints(options).ToList();
        var (configured, endpointErrors) = new EndpointCatalog(builder.Connectors).Create(web.Configuration, loggers);
        var nodes = EntrypointCatalog.Endpoints(options).Concat(configured).Concat(entrypoints).Concat(builder.Nodes).ToList();

        AddKestrel(web, options, entrypoints);
        AddMediation(web.Services, options, entrypoints, nodes, routes);

        var app = Finish(web, loggers);
        var startupLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Rx.Mediation.Hosting.Endpoints");
        // A misconfigured endpoint does not stop the server: it is logged here and reported unhealthy by /readyz.
        foreach (var error in endpointErrors) startupLog.LogError("Endpoint configuration error: {Error}", error);
        return app;
    }

    /// <summary>
    /// Runs from a YAML file (docs/configuration.md): its entrypoints, endpoints and routes, beside the builder's
    /// nodes and code routes; the file is then watched and reloaded. An invalid file stops the start with its errors.
    /// </summary>
    private static WebApplication BuildFromFile(
        WebApplicationBuilder web, MediationServerBuilder builder, string file, YamlConfigurationSource fileSection, DeferredLoggerFactory loggers, IReadOnlyList<string> bindingErrors)
    {
        var options = builder.Options;
        var catalog = new EndpointCatalog(builder.Connectors);
        var codeNodes = builder.Nodes.Select(n => n.Name).ToList();
        var (config, configErrors) = ServerConfigReader.Load(file, catalog.KnownTypes, codeNodes);
        if (config is null) throw new ConfigException(configErrors);
        var server = config.Server;
        // What another source set is not the file's to answer for: a value, or a section the file does not write at all.
        string? Winner(string key) => web.Configuration[key]
            ?? (!server.Keys.Sets(key) && web.Configuration.GetSection(key).GetChildren().Any() ? "" : null);
        ThrowIfInvalid(bindingErrors, options, server.Keys, Winner, [.. config.Entrypoints.Select(e => e.Name)]);

        var entrypoints = config.Entrypoints.Select(e => e.Create()).ToList();
        var endpoints = ConfigRuntime.CreateEndpoints(catalog, loggers, config.Endpoints);
        var codeRoutes = ConfigRuntime.Fingerprinted(builder.Routes ?? []);
        var routes = ConfigRuntime.RouteSet(codeRoutes, config);
        var nodes = endpoints.Concat<IMediationNode>(entrypoints).Concat(builder.Nodes).ToList();
        // The largest body any HTTP entrypoint takes sets Kestrel's own limit (see AddKestrel).
        options.Http.MaxBodyBytes = config.Entrypoints.Select(e => e.Options).OfType<HttpEntrypointOptions>().Select(h => h.MaxBodyBytes).DefaultIfEmpty(options.Http.MaxBodyBytes).Max();

        AddKestrel(web, options, entrypoints);
        AddMediation(web.Services, options, entrypoints, nodes, routes);
        var status = new ConfigStatus();
        status.Loaded(config, DateTimeOffset.UtcNow);
        web.Services.AddSingleton(status);
        web.Services.AddSingleton(sp => new ConfigRuntime(
            sp.GetRequiredService<MediationEngine>(), catalog, sp.GetRequiredService<EntrypointRegistry>(), options,
            sp.GetRequiredService<ILoggerFactory>(), codeRoutes, config, status, fileSection));
        web.Services.AddSingleton(sp => new ConfigReloader(
            file, sp.GetRequiredService<ConfigRuntime>(), catalog.KnownTypes, codeNodes, sp.GetRequiredService<ILogger<ConfigReloader>>()));
        // Registered after MediationHost, so watching starts once the first version runs.
        web.Services.AddHostedService(sp => new ConfigWatcher(
            sp.GetRequiredService<ConfigReloader>(), server.ReloadDebounce, TaskPoolScheduler.Default, sp.GetRequiredService<ILogger<ConfigWatcher>>()));

        return Finish(web, loggers);
    }

    /// <summary>
    /// The <c>Mediation</c> section, durations read as in every front door (<see cref="DurationSettings"/>); a value of
    /// the wrong type names its key, and a duration without a unit is returned as a problem naming its key.
    /// </summary>
    private static (MediationOptions, IReadOnlyList<string>) BindOptions(IConfiguration configuration)
    {
        var options = new MediationOptions();
        try
        {
            var refused = DurationSettings.Bind(configuration.GetSection(MediationOptions.Section), options);
            return (options, [.. refused.Select(r => $"{MediationOptions.Section}:{r.Key} {DurationSettings.Problem(r.Value)}")]);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message already names the key and the value: "Failed to convert configuration value 'x' at 'Mediation:…'".
            throw new SettingsException(ex.Message);
        }
    }

    /// <summary>
    /// Stops the start on any problem of the bound options. One whose value came from the configuration file (and was
    /// not overridden by the environment or the command line) is given at its line, in the file's words.
    /// </summary>
    private static void ThrowIfInvalid(
        IReadOnlyList<string> bindingErrors, MediationOptions options, YamlKeys? file = null, Func<string, string?>? winner = null, IReadOnlyCollection<string>? entrypoints = null)
    {
        var errors = bindingErrors.Concat(options.Validate(entrypoints: entrypoints)).Select(e => file?.Place(e, winner)?.ToString() ?? e).ToList();
        if (errors.Count > 0) throw new SettingsException(errors);
    }

    private static WebApplication Finish(WebApplicationBuilder web, DeferredLoggerFactory loggers)
    {
        var app = web.Build();
        loggers.Connect(app.Services.GetRequiredService<ILoggerFactory>());
        app.UseBrowserSafety();
        app.UseWebSocketReadAhead();
        app.UseWebSockets();
        app.MapHealth();
        app.MapAdminAndDashboard();
        Operations.Metrics.MetricsSetup.MapMediationMetrics(app);
        // Entrypoint paths go through the registry, so a reload can add, change and remove them while running.
        app.Services.GetRequiredService<EntrypointRegistry>().MapInto(app);
        return app;
    }

    private static void AddJsonLogging(WebApplicationBuilder web)
    {
        web.Logging.ClearProviders();
        web.Logging.AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        // The host logs a failed start as an error with the exception's stack trace; the serve command reports a start
        // that failed for a known reason (a port in use) in one line of its own, and rethrows any other.
        web.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // Its "Request starting" lines carry the query string, where a browser's credential may be (?access_token=).
        web.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    }

    private static void AddKestrel(WebApplicationBuilder web, MediationOptions options, IReadOnlyList<WebEntrypoint> entrypoints)
    {
        // Loaded now rather than when Kestrel starts, so a missing certificate stops the build with its setting named.
        var certificate = ListenerTls.Load(web.Configuration, options);
        web.WebHost.ConfigureKestrel(kestrel =>
        {
            var tls = certificate is { } loaded
                ? new ListenerTls(loaded.Certificate, loaded.Chain, options.Security.ClientCertificates,
                    kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientCertificateRefusals).FullName!))
                : null;
            var shared = ListenAddress.IsHttps(options.Url) ? tls!.Options : (Func<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>?)null;
            ListenAddress.Listen(kestrel, options.Url, https: shared);
            foreach (var port in entrypoints.Select(e => e.Port).OfType<int>().Distinct()) ListenAddress.Listen(kestrel, options.Url, port, shared);
            if (options.HttpsUrl is { } httpsUrl) ListenAddress.Listen(kestrel, httpsUrl, https: tls!.Options);
            // The HTTP entrypoint enforces its own (smaller) limit with a clear message; Kestrel's must not undercut it.
            if (kestrel.Limits.MaxRequestBodySize is { } limit && limit <= options.Http.MaxBodyBytes)
                kestrel.Limits.MaxRequestBodySize = options.Http.MaxBodyBytes + 1;
        });
    }

    private static void AddMediation(
        IServiceCollection services, MediationOptions options, IReadOnlyList<WebEntrypoint> entrypoints,
        IReadOnlyList<IMediationNode> nodes, IReadOnlyList<Routing.RouteDefinition> routes)
    {
        services.AddSingleton(options);
        services.AddBrowserSafety(options.Security, [.. options.Listeners().Select(l => l.Url)]);
        services.AddMediationAuthentication(options.Security);
        // Kestrel listens, for good, on the shared URL and on the own ports of the entrypoints known at start.
        services.AddSingleton(new EntrypointRegistry(entrypoints, entrypoints.Select(e => e.Port).OfType<int>()));
        services.AddSingleton<IReadOnlyList<WebEntrypoint>>(sp => sp.GetRequiredService<EntrypointRegistry>());
        services.AddSingleton<IReadOnlyList<Routing.RouteDefinition>>(routes);
        services.AddSingleton(sp =>
        {
            var engine = new MediationEngine(new EngineOptions { DrainTimeout = options.DrainTimeout }, sp.GetRequiredService<ILogger<MediationEngine>>());
            foreach (var node in nodes) engine.Add(node);
            return engine;
        });
        services.AddSingleton(sp => new DropLog(
            sp.GetRequiredService<MediationEngine>(), sp.GetRequiredService<EntrypointRegistry>().Drops, options.DropLogInterval, TaskPoolScheduler.Default, sp.GetRequiredService<ILogger<DropLog>>()));
        // Before MediationHost: the packet log attaches before routes start and detaches after they drained.
        Operations.PacketLog.PacketLogServices.AddPacketLog(services, options.PacketLog);
        services.AddHostedService<MediationHost>();
        services.AddAdminAndDashboard(options.Admin);
        Operations.Metrics.MetricsSetup.AddMediationMetrics(services, options.Metrics);
        // Drain, then close clients, then stop: all of it must fit, or the host gives up and cuts everything.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout + options.ClientCloseTimeout + TimeSpan.FromSeconds(10));
    }
}

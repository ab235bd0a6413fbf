using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reflection;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Hosting;

namespace Rx.Mediation.Hosting.Admin;

/// <summary>
/// Reads the engine as it is now into <see cref="AdminSnapshot"/> records: routes (with their operators, bridge and
/// counters), entrypoints (with their connected clients), endpoints (with their counters where they keep
/// <see cref="EndpointCounters"/>) and the configuration's status. Reading takes no lock a route's hot path takes:
/// counters are read as they are, each a moment apart.
/// </summary>
public sealed class AdminSnapshotBuilder
{
    private static readonly string ServerVersion =
        typeof(AdminSnapshotBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    // Endpoints keep their counters in a public 'Counters' property (Kafka, RabbitMQ, MQTT, AMQP 1.0): found once per type.
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> CounterProperties = new();

    private readonly MediationEngine _engine;
    private readonly EntrypointRegistry? _registry;
    private readonly ConfigStatus? _config;
    private readonly IScheduler _clock;

    public AdminSnapshotBuilder(MediationEngine engine, EntrypointRegistry? registry, ConfigStatus? config, IScheduler clock)
    {
        _engine = engine;
        _registry = registry;
        _config = config;
        _clock = clock;
        StartedAt = clock.Now;
    }

    public DateTimeOffset StartedAt { get; }

    public AdminSnapshot Build()
    {
        var now = _clock.Now;
        var nodes = _engine.Nodes;
        return new AdminSnapshot(
            now,
            new ServerSnapshot(_engine.State.ToString(), StartedAt, Math.Round((now - StartedAt).TotalSeconds, 3), _registry?.Listener, ServerVersion),
            Routes(),
            [.. nodes.OfType<IEntrypoint>().Select(Entrypoint)],
            [.. nodes.OfType<IEndpoint>().Select(Endpoint)],
            Config());
    }

    public RouteSnapshot? Route(string name) => Routes().FirstOrDefault(r => r.Name == name);

    public IReadOnlyList<RouteSnapshot> Routes()
    {
        // The running versions' counters first, then the totals: read a moment later, the totals do not fall below them.
        var routes = _engine.Routes.Select(Route).ToList();
        var totals = _engine.RouteTotals().ToDictionary(t => t.Name, StringComparer.Ordinal);
        return [.. routes.Select(r => totals.TryGetValue(r.Name, out var total) ? r with { Totals = Totals(total) } : r)];
    }

    public IReadOnlyList<EntrypointSnapshot> Entrypoints() => [.. _engine.Nodes.OfType<IEntrypoint>().Select(Entrypoint)];

    public IReadOnlyList<EndpointSnapshot> Endpoints() => [.. _engine.Nodes.OfType<IEndpoint>().Select(Endpoint)];

    public ConfigSnapshot Config()
    {
        if (_config is null) return new ConfigSnapshot("settings", null, null, null, null, [.. _engine.Routes.Select(r => r.Name)], null);
        var current = _config.Current;
        var error = current.LastError;
        var first = error?.Errors.FirstOrDefault();
        return new ConfigSnapshot("file", current.Version, current.LoadedAt, current.File, current.Hash, current.Routes,
            error is null ? null : new ConfigErrorSnapshot(first?.Message, first?.Location.Line, first?.Location.Column, error.At,
                [.. error.Errors.Select(e => new ConfigErrorItem(e.Location.File, e.Location.Line, e.Location.Column, e.Message))]));
    }

    /// <summary>One route instance; its <see cref="RouteSnapshot.Totals"/> are its own counters until the engine's are put in.</summary>
    public static RouteSnapshot Route(RouteRuntime route)
    {
        var definition = route.Definition;
        var sources = definition.Sources.Select(s => new SourceSnapshot(s.Node, s.Topics.Text, Merged: false))
            .Concat(definition.Stages.SelectMany(s => s.AdditionalSources).Select(s => new SourceSnapshot(s.Node, s.Topics.Text, Merged: true)));
        var stageCounters = route.StageCounters;
        var operators = definition.Stages.Select((stage, i) =>
        {
            var counters = i < stageCounters.Count ? stageCounters[i] : null;
            return new OperatorSnapshot(i, stage.Name, stage.Description, counters?.In ?? 0, counters?.Out ?? 0, counters?.Filtered ?? 0, counters?.Failed ?? 0);
        });
        var bridge = route.Bridge;
        var options = bridge.Options;
        var c = route.Counters;
        var counters = new RouteCountersSnapshot(c.Offered, c.Accepted, c.Refused, c.Emitted, c.Delivered, route.Filtered, c.Failed, c.Dropped.Total, c.DiscardedAfterCompletion);
        var drops = c.Dropped.ToDictionary();
        return new RouteSnapshot(
            route.Name,
            route.State.ToString(),
            route.Fault?.Message,
            definition.Guarantee == DeliveryGuarantee.AtLeastOnce ? "at-least-once" : "at-most-once",
            [.. sources],
            [.. operators],
            definition.Targets,
            new BridgeSnapshot(options.Capacity, bridge.Count, options.Overflow.ToName(), bridge.IsOpen, options.BackpressureTimeout.TotalMilliseconds, options.MaxBytes, bridge.Bytes),
            counters,
            drops,
            new RouteTotalsSnapshot(counters, drops));
    }

    private static RouteTotalsSnapshot Totals(RouteTotal t) => new(
        new RouteCountersSnapshot(t.Offered, t.Accepted, t.Refused, t.Emitted, t.Delivered, t.Filtered, t.Failed, t.Dropped.Total, t.DiscardedAfterCompletion),
        t.Dropped.ToDictionary());

    private EntrypointSnapshot Entrypoint(IEntrypoint node)
    {
        if (node is not WebEntrypoint web)
            return new EntrypointSnapshot(node.Name, TypeName(node, "Entrypoint"), null, null, null, node.Health.ToString(), node.HealthDetail, false, 0, 0, [], new Dictionary<string, long>());
        var registry = web switch
        {
            SseEntrypoint sse => sse.Clients,
            WebSocketEntrypoint ws => ws.Clients,
            _ => null,
        };
        var clients = registry?.Clients
            .Select(c => new ClientSnapshot(c.Id, [.. c.Topics.Select(t => t.Text)], c.Outbox.Count, c.Outbox.EnqueuedCount, c.Outbox.DroppedCount, c.ConnectedAt, c.RemoteAddress))
            .OrderBy(c => c.ConnectedAt)
            .ToList() ?? [];
        return new EntrypointSnapshot(
            web.Name,
            EntrypointType(web),
            web.Path,
            web.Port,
            _registry is { Listener: not null } registered && registered.Current.Contains(web) ? registered.UrlOf(web) : null,
            web.Health.ToString(),
            web.HealthDetail,
            web.IsRefusing,
            web.Sessions.Count,
            registry?.Count ?? web.Sessions.Count,
            clients,
            web.Drops.ToDictionary());
    }

    private static EndpointSnapshot Endpoint(IEndpoint node)
    {
        var property = CounterProperties.GetOrAdd(node.GetType(), static type =>
            type.GetProperty("Counters", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var t } p && t == typeof(EndpointCounters) ? p : null);
        var counters = property?.GetValue(node) is EndpointCounters c
            ? new EndpointCountersSnapshot(c.Published, c.Acknowledged, c.Failed, c.Dropped, c.Retried, c.Received, c.Accepted, c.Redelivered, c.Unrouted, c.Reconnects, c.InFlight)
            : null;
        return new EndpointSnapshot(node.Name, TypeName(node, "Endpoint"), node.Health.ToString(), node.HealthDetail, counters);
    }

    private static string EntrypointType(WebEntrypoint entrypoint) => entrypoint switch
    {
        HttpPostEntrypoint => "http",
        WebSocketEntrypoint => "websocket",
        SseEntrypoint => "sse",
        PollEntrypoint => "poll",
        _ => TypeName(entrypoint, "Entrypoint"),
    };

    /// <summary>The class name without its suffix, lower case: MemoryEndpoint → memory, RabbitMqEndpoint → rabbitmq.</summary>
    private static string TypeName(object node, string suffix)
    {
        var name = node.GetType().Name;
        if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length) name = name[..^suffix.Length];
        return name.ToLowerInvariant();
    }
}

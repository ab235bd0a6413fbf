namespace Rx.Mediation.Hosting.Admin;

// What the admin API answers and what the dashboard's stream sends every second: plain records, serialized with the web
// defaults (camelCase). Counters are totals since the route (this version of it), node or client began, and a route's
// 'totals' since the server started; rates are left to the reader (counter deltas over the time between two snapshots, see 'at').

/// <summary>Everything at once: <c>GET /admin</c> links to its parts; <c>/ui/stream</c> sends it as its <c>snapshot</c> event.</summary>
public sealed record AdminSnapshot(
    DateTimeOffset At,
    ServerSnapshot Server,
    IReadOnlyList<RouteSnapshot> Routes,
    IReadOnlyList<EntrypointSnapshot> Entrypoints,
    IReadOnlyList<EndpointSnapshot> Endpoints,
    ConfigSnapshot Config);

public sealed record ServerSnapshot(string Engine, DateTimeOffset StartedAt, double UptimeSeconds, string? Listener, string Version);

public sealed record RouteSnapshot(
    string Name,
    string State,
    string? Fault,
    string Guarantee,
    IReadOnlyList<SourceSnapshot> Sources,
    IReadOnlyList<OperatorSnapshot> Operators,
    IReadOnlyList<string> Targets,
    BridgeSnapshot Bridge,
    RouteCountersSnapshot Counters,
    IReadOnlyDictionary<string, long> Drops,
    RouteTotalsSnapshot Totals);

/// <summary>
/// The route's counters and drops since the server started, over every version of it a reload replaced as well as the
/// running one: what <c>/metrics</c> exports. <see cref="RouteSnapshot.Counters"/> are the running version's alone.
/// </summary>
public sealed record RouteTotalsSnapshot(RouteCountersSnapshot Counters, IReadOnlyDictionary<string, long> Drops);

/// <summary>A route's source: the node and the topic filter the route takes from it (<c>#</c> = all).</summary>
public sealed record SourceSnapshot(string Node, string Topics, bool Merged);

/// <summary>One operator (stage) of a route, with what it saw (weights: a batch of 10 counts 10).</summary>
public sealed record OperatorSnapshot(int Index, string Name, string Description, long In, long Out, long Filtered, long Failed);

public sealed record BridgeSnapshot(int Capacity, int Depth, string Overflow, bool Open, double BackpressureTimeoutMs, long MaxBytes, long Bytes);

public sealed record RouteCountersSnapshot(
    long Offered, long Accepted, long Refused, long Emitted, long Delivered, long Filtered, long Failed, long Dropped, long DiscardedAfterCompletion);

public sealed record EntrypointSnapshot(
    string Name,
    string Type,
    string? Path,
    int? Port,
    string? Url,
    string Health,
    string? HealthDetail,
    bool Refusing,
    int Sessions,
    int ClientCount,
    IReadOnlyList<ClientSnapshot> Clients,
    IReadOnlyDictionary<string, long> Drops);

/// <summary>A connected streaming client (SSE, WebSocket): its send queue's depth and what it dropped as a slow client.</summary>
public sealed record ClientSnapshot(string Id, IReadOnlyList<string> Topics, int QueueDepth, long Enqueued, long Dropped, DateTimeOffset ConnectedAt, string? RemoteAddress);

public sealed record EndpointSnapshot(string Name, string Type, string Health, string? HealthDetail, EndpointCountersSnapshot? Counters);

public sealed record EndpointCountersSnapshot(
    long Published, long Acknowledged, long Failed, long Dropped, long Retried, long Received, long Accepted, long Redelivered, long Unrouted, long Reconnects, long InFlight);

/// <summary>
/// Where the configuration comes from: <c>file</c> (with its version, load time and last refused change) or
/// <c>settings</c> (appsettings, environment, command line: read once at start, no version).
/// </summary>
public sealed record ConfigSnapshot(
    string Source, long? Version, DateTimeOffset? LoadedAt, string? File, string? Hash, IReadOnlyList<string> Routes, ConfigErrorSnapshot? LastError);

public sealed record ConfigErrorSnapshot(string? Message, int? Line, int? Column, DateTimeOffset At, IReadOnlyList<ConfigErrorItem> Errors);

public sealed record ConfigErrorItem(string? File, int Line, int Column, string Message);

using System.Diagnostics.Metrics;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Engine;
using Rx.Mediation.Nodes;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Hosting;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// The server's instruments, on a meter from the container's <see cref="IMeterFactory"/> (disposed with the server):
/// the engine's (<see cref="EngineMetrics"/>, with the broker endpoints' counters), the web entrypoints' traffic,
/// connections and drops, and the configuration file's reloads. All observable: read when collected.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics(MediationEngine engine, EntrypointRegistry entrypoints, IMeterFactory meters, ConfigStatus? config, Security.ConnectionLimiter? connections = null,
        Security.PostRateLimiter? posts = null)
    {
        Meter = meters.Create(MediationMeter.Name);
        Engine = new EngineMetrics(engine, Meter, EndpointCounters);

        Meter.CreateObservableCounter("rx.mediation.entrypoint.events", () => entrypoints.Current.SelectMany(Traffic), "{event}", "Events each web entrypoint took from its clients (in: offered to the routes) and wrote to them (out: live events, once per client)");
        Meter.CreateObservableGauge("rx.mediation.entrypoint.connections", () => entrypoints.Current.Select(e =>
            new Measurement<int>(e.Sessions.Count, new KeyValuePair<string, object?>("entrypoint", e.Name))),
            "{connection}", "Open sessions of each web entrypoint: WebSocket and SSE clients, long polls waiting");
        Meter.CreateObservableCounter("rx.mediation.entrypoint.drops", () => entrypoints.Current.SelectMany(e => DropReasons
            .Where(r => (r == DropReason.SlowClient && HasClientQueues(e)) || e.Drops[r] != 0)
            .Select(r => Tagged(e.Drops[r], "entrypoint", e.Name, "reason", r.ToName()))),
            "{event}", "Events each web entrypoint dropped itself, by reason (slow-client: a client's send queue was full; buffer-*: the SSE replay or poll buffer let an event no client had go, at one of its bounds)");

        if (connections is not null)
        {
            Meter.CreateObservableCounter("rx.mediation.connections.refused", () => new[]
            {
                Tagged(connections.Refused.Total, "reason", "max-connections"),
                Tagged(connections.Refused.PerAddress, "reason", "max-connections-per-address"),
                Tagged(connections.Refused.PerPrincipal, "reason", "max-connections-per-principal"),
            }, "{connection}", "Streaming connections (WebSocket, SSE) refused with 503, by the bound they would have passed");
        }

        if (posts is not null)
        {
            Meter.CreateObservableCounter("rx.mediation.requests.refused", () => entrypoints.Current.OfType<Entrypoints.WebSockets.WebSocketEntrypoint>()
                    .Select(e => Tagged(e.RateLimited, "reason", "websocket-message-rate", "entrypoint", e.Name))
                    .Concat(entrypoints.Current.Where(e => e.Unauthenticated != 0).Select(e => Tagged(e.Unauthenticated, "reason", "unauthenticated", "entrypoint", e.Name)))
                    .Concat(entrypoints.Current.Where(e => e.Forbidden != 0).Select(e => Tagged(e.Forbidden, "reason", "forbidden", "entrypoint", e.Name)))
                    .Prepend(Tagged(posts.RefusedPrincipals, "reason", "post-rate-per-principal"))
                    .Prepend(Tagged(posts.Refused, "reason", "post-rate")),
                "{request}", "Requests refused: over a rate (post-rate, post-rate-per-principal: POSTs answered 429; websocket-message-rate: WebSocket messages answered with a rejected notice), "
                + "without a valid credential (unauthenticated: 401) or outside the caller's topic rights (forbidden: 403 or a WebSocket rejected notice)");
        }

        if (config is not null)
        {
            // The first version is the start, not a reload: versions after it were applied by reloads.
            Meter.CreateObservableCounter("rx.mediation.config.reloads", () => new[]
            {
                Tagged(Math.Max(0, config.Current.Version - 1), "result", "applied"),
                Tagged(config.Refusals, "result", "refused"),
            }, "{reload}", "Configuration file changes applied live, and refused (invalid: the running version stays)");
            Meter.CreateObservableGauge("rx.mediation.config.version", () => config.Current.Version, null,
                "Version of the configuration file running now: 1 at start, one more per applied reload");
        }
    }

    public Meter Meter { get; }

    public EngineMetrics Engine { get; }

    /// <summary>The <see cref="Rx.Mediation.Endpoints.EndpointCounters"/> of the broker endpoints; null for other nodes (memory, entrypoints).</summary>
    public static EndpointCounters? EndpointCounters(IMediationNode node) => (node as IBrokerEndpoint)?.Counters;

    private static readonly DropReason[] DropReasons = Enum.GetValues<DropReason>();

    /// <summary>An entrypoint's <c>in</c> if it takes input from clients, its <c>out</c> if it writes to them (both for one of an unknown kind).</summary>
    private static IEnumerable<Measurement<long>> Traffic(WebEntrypoint entrypoint)
    {
        if (entrypoint is not (SseEntrypoint or PollEntrypoint)) yield return Tagged(entrypoint.Traffic.Received, "entrypoint", entrypoint.Name, "direction", "in");
        if (entrypoint is not HttpPostEntrypoint) yield return Tagged(entrypoint.Traffic.Written, "entrypoint", entrypoint.Name, "direction", "out");
    }

    /// <summary>Entrypoints whose clients have their own send queues, which drop under the slow-client policy.</summary>
    private static bool HasClientQueues(WebEntrypoint entrypoint) => entrypoint is not (HttpPostEntrypoint or PollEntrypoint);

    private static Measurement<long> Tagged(long value, string name, string tag) =>
        new(value, new KeyValuePair<string, object?>(name, tag));

    private static Measurement<long> Tagged(long value, string name1, string tag1, string name2, string tag2) =>
        new(value, new KeyValuePair<string, object?>(name1, tag1), new KeyValuePair<string, object?>(name2, tag2));
}

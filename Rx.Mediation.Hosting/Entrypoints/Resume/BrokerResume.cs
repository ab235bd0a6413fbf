using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Hosting.Entrypoints.Resume;

/// <summary>
/// What SSE and polling share to resume a client from a broker (see <see cref="RouteReplay"/>): finding the replay for
/// a resume id through the running engine, and logging what a replayed route stage failed on.
/// </summary>
internal static class BrokerResume
{
    /// <summary>The replay for a client of <paramref name="entrypoint"/> resuming after <paramref name="resumeId"/>, or null (no replayable source knows it, or none is routed here).</summary>
    public static RouteReplay? Find(HttpContext context, string entrypoint, string resumeId)
    {
        var engine = context.RequestServices.GetService<MediationEngine>();
        return engine is null ? null : RouteReplay.Find(engine, entrypoint, resumeId);
    }

    /// <summary>The replayable source an event came from, when it did come from one (a fresh seam can then follow it).</summary>
    public static IReplayableSource? SourceOf(HttpContext context, Event value)
    {
        var engine = context.RequestServices.GetService<MediationEngine>();
        return engine?.Find(value.Source) is IReplayableSource source && source.TryGetPosition(value, out _) ? source : null;
    }

    public static ILogger Logger(HttpContext context, string category) =>
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;

    /// <summary>A replayed event a stage failed on is logged, as the live route would count it; the replay goes on.</summary>
    public static Action<FailureRecord> LogFailures(ILogger logger, string entrypoint) =>
        failure => logger.LogWarning("Replay for a client of entrypoint {Entrypoint}: route {Route} stage {Stage} failed on {Id}: {Reason}",
            entrypoint, failure.Route, failure.Stage, failure.Event?.Id, failure.Error.Message);

    /// <summary>Whether an event the routes emitted is for this client, by the rule live delivery follows (<see cref="ClientRegistry.Deliver"/>).</summary>
    public static bool IsFor(Event value, ConnectedClient client, ClientRegistry clients)
    {
        if (value.Kind != EventKind.Data) return false;
        if (value.ClientId is { } id)
        {
            if (id == client.Id) return client.MayRead(value.Topic);
            if (clients.TryGet(id, out _)) return false;
        }
        return client.Topics.Any(t => t.Matches(value.Topic));
    }
}

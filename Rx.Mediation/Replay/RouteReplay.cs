using System.Reactive.Linq;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Replay;

/// <summary>
/// Replays a <see cref="IReplayableSource"/> for one resuming client of one target (an SSE or poll entrypoint): the
/// events after the client's position go through the stages of every running route that joins the source to the
/// target, as the live ones did. Each replay builds private instances of those stages (fresh operator state, own
/// counters), so it neither disturbs the running routes nor shows in their counters, and what it emits goes to that
/// one client only. Stateful stages (Buffer, DistinctUntilChanged, Throttle…) start afresh at the replay's first event.
/// </summary>
public sealed class RouteReplay
{
    private RouteReplay(IReplayableSource source, ReplayPosition from, IReadOnlyList<RouteRuntime> routes)
    {
        Source = source;
        From = from;
        Routes = routes;
    }

    public IReplayableSource Source { get; }

    /// <summary>The position the client resumes after.</summary>
    public ReplayPosition From { get; }

    /// <summary>The running routes from <see cref="Source"/> to the target.</summary>
    public IReadOnlyList<RouteRuntime> Routes { get; }

    /// <summary>
    /// The replay for a client of <paramref name="target"/> that resumes after <paramref name="resumeId"/>: null unless
    /// a replayable source recognises the id as one of its positions and a running route joins it to the target.
    /// </summary>
    public static RouteReplay? Find(MediationEngine engine, string target, string resumeId)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (string.IsNullOrWhiteSpace(resumeId)) return null;
        foreach (var source in engine.Nodes.OfType<IReplayableSource>())
        {
            if (!source.TryParsePosition(resumeId, out var position)) continue;
            var routes = engine.Routes
                .Where(r => r.State == RouteState.Running
                    && r.Definition.Targets.Contains(target, StringComparer.Ordinal)
                    && r.Definition.AllSources.Any(s => s.Node == source.Name))
                .ToList();
            if (routes.Count > 0) return new RouteReplay(source, position, routes);
        }
        return null;
    }

    /// <summary>A replay after <paramref name="from"/> (the client's position: <see cref="From"/> at first, later rounds further on).</summary>
    /// <param name="onFailure">Told about events a stage failed on; the replay goes on, as the live route does.</param>
    public ReplayRun Start(ReplayPosition from, Action<FailureRecord>? onFailure = null) =>
        new(from, run => Source.ReplayAfter(from)
            .Do(raw =>
            {
                if (Source.TryGetPosition(raw, out var position)) run.Read(position);
            })
            .Publish(shared => Routes.Select(route => Chain(route, shared, onFailure)).Merge()));

    private IObservable<Event> Chain(RouteRuntime route, IObservable<Event> replayed, Action<FailureRecord>? onFailure)
    {
        var definition = route.Definition;

        // What this route takes of the replayed events from the given bindings: as its inlets would, by topic.
        IObservable<Event> From(IReadOnlyList<SourceBinding> bindings)
        {
            var topics = bindings.Where(b => b.Node == Source.Name).Select(b => b.Topics).ToList();
            if (topics.Count == 0) return Observable.Empty<Event>();
            return replayed.Where(e => e.Kind == EventKind.Data && topics.Exists(t => t.Matches(e.Topic)));
        }

        void Report(string stage, Event? value, Exception error) =>
            onFailure?.Invoke(new FailureRecord(route.Name, stage, value, error, route.Scheduler.Now));

        var stream = From(definition.Sources);
        foreach (var stage in definition.Stages)
        {
            var context = new StageContext(route.Name, stage.Description, route.Scheduler, new StageCounters(), Report, From);
            stream = stage.Apply(stream, context);
        }
        return stream;
    }
}

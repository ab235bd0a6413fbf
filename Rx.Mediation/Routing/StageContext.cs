using System.Reactive.Concurrency;
using Rx.Mediation.Events;

namespace Rx.Mediation.Routing;

/// <summary>What a stage may use while its route is built: the route's scheduler, its own counters, fault reporting.</summary>
public sealed class StageContext
{
    private readonly Action<string, Event?, Exception> _reportFailure;
    private readonly Func<IReadOnlyList<SourceBinding>, IObservable<Event>> _inbound;

    internal StageContext(
        string route, string stage, IScheduler scheduler, StageCounters counters,
        Action<string, Event?, Exception> reportFailure, Func<IReadOnlyList<SourceBinding>, IObservable<Event>> inbound)
    {
        Route = route;
        Stage = stage;
        Scheduler = scheduler;
        Counters = counters;
        _reportFailure = reportFailure;
        _inbound = inbound;
    }

    public string Route { get; }

    public string Stage { get; }

    /// <summary>Every time-based operator must run on this scheduler, never on the wall clock, so virtual time works.</summary>
    public IScheduler Scheduler { get; }

    public StageCounters Counters { get; }

    /// <summary>Counts <paramref name="value"/> as failed in this stage and publishes the failure; the route goes on.</summary>
    public void ReportFailure(Event? value, Exception error)
    {
        Counters.CountFailed(value?.Weight ?? 0);
        _reportFailure(Stage, value, error);
    }

    /// <summary>The route's drained events that came from <paramref name="sources"/> (for Merge).</summary>
    public IObservable<Event> Inbound(IReadOnlyList<SourceBinding> sources) => _inbound(sources);
}

using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Engine;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Hosting;

/// <summary>
/// Logs drops and failures as summaries, one line per route (or entrypoint) and reason per interval: under
/// overload there may be thousands of drops a second, and one log line each would make things worse.
/// An event that a replay or poll buffer lets go before any client had it is logged at Debug: under steady traffic
/// the buffers do so every second by design, and a warning each time would bury the drops that cost a subscriber an
/// event. Both are counted alike in the metrics.
/// </summary>
/// <param name="entrypointDrops">What web entrypoints drop themselves (slow clients), e.g. <see cref="EntrypointRegistry.Drops"/>.</param>
public sealed class DropLog(MediationEngine engine, IObservable<DropRecord> entrypointDrops, TimeSpan interval, IScheduler scheduler, ILogger<DropLog> logger) : IDisposable
{
    private readonly Subject<Unit> _stop = new();
    private readonly CompositeDisposable _subscriptions = new();

    public void Start()
    {
        // A window keeps what it needs of each drop, not the event: a second of dropped large payloads held only to
        // be counted would take more memory than the buffers that dropped them.
        var drops = engine.Drops.Merge(entrypointDrops).Select(d => new Dropped(d.Route, d.Reason, d.Event.Id));
        // TakeUntil rather than Dispose at stop: Buffer then flushes the last window instead of losing it.
        _subscriptions.Add(drops.TakeUntil(_stop).Buffer(interval, scheduler).Where(b => b.Count > 0).Subscribe(LogDrops));
        _subscriptions.Add(engine.Failures.TakeUntil(_stop).Buffer(interval, scheduler).Where(b => b.Count > 0).Subscribe(LogFailures));
    }

    public void Stop() => _stop.OnNext(Unit.Default);

    public void Dispose()
    {
        Stop();
        _subscriptions.Dispose();
    }

    private void LogDrops(IList<Dropped> window)
    {
        foreach (var group in window.GroupBy(d => (d.Route, d.Reason)))
        {
            var level = group.Key.Reason.IsBufferEviction() ? LogLevel.Debug : LogLevel.Warning;
            logger.Log(level, "Dropped {DropCount} events at {Route} ({DropReason}) in the last {WindowMs} ms; latest {EventId}",
                group.Count(), group.Key.Route, group.Key.Reason.ToName(), (long)interval.TotalMilliseconds, group.Last().EventId);
        }
    }

    private readonly record struct Dropped(string Route, DropReason Reason, string EventId);

    private void LogFailures(IList<FailureRecord> window)
    {
        foreach (var group in window.GroupBy(f => (f.Route, f.Stage)))
        {
            var latest = group.Last();
            logger.LogError(latest.Error, "{FailureCount} failures on route {Route} at {Stage} in the last {WindowMs} ms; latest: {Error}",
                group.Count(), group.Key.Route, group.Key.Stage, (long)interval.TotalMilliseconds, latest.Error.Message);
        }
    }
}

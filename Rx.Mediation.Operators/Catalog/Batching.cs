using System.Reactive.Linq;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Json;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Catalog;

/// <summary>
/// Buffer: collects events into one batch event whose payload is a JSON array of their payloads and whose
/// <see cref="Event.Batch"/> holds the originals, so a target can send them as one. Empty windows emit nothing.
/// </summary>
public static class Batching
{
    public static RouteStage Buffer(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Create($"buffer({count})", (s, context) => s.Buffer(count));
    }

    public static RouteStage Buffer(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        return Create($"buffer({Timing.Format(window)})", (s, context) => s.Buffer(window, context.Scheduler));
    }

    /// <summary>A batch closes when <paramref name="window"/> has passed or <paramref name="count"/> events arrived, whichever comes first.</summary>
    public static RouteStage Buffer(TimeSpan window, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Create($"buffer({Timing.Format(window)} or {count})", (s, context) => s.Buffer(window, count, context.Scheduler));
    }

    private static RouteStage Create(string description, Func<IObservable<Event>, StageContext, IObservable<IList<Event>>> buffer) =>
        new("buffer", description, (source, context) =>
            buffer(source.Do(e => context.Counters.CountIn(e.Weight)), context)
                .Where(batch => batch.Count > 0)
                .Select(batch => BatchPayload.Create(batch, context.Scheduler.Now))
                .Do(e => context.Counters.CountOut(e.Weight)));
}

using System.Reactive.Linq;
using Rx.Mediation.Operators.Observables;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Catalog;

/// <summary>Time-based stages. Every one runs on the route's scheduler, so virtual time drives them in tests.</summary>
public static class Timing
{
    /// <summary>
    /// Rx.NET's Throttle, which is a debounce: an event goes out only after <paramref name="dueTime"/> passes with no
    /// newer event; a burst yields its last event. (For "at most one per period", use <see cref="Sample"/>.)
    /// </summary>
    public static RouteStage Throttle(TimeSpan dueTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        return new RouteStage("throttle", $"throttle({Format(dueTime)})", (source, context) => new DebounceOperator(source, dueTime, context));
    }

    /// <summary>Every <paramref name="interval"/>, emits the newest event seen since the previous tick, if any.</summary>
    public static RouteStage Sample(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new RouteStage("sample", $"sample({Format(interval)})", (source, context) => new SampleOperator(source, interval, context));
    }

    /// <summary>Shifts every event (and completion) later by <paramref name="dueTime"/>.</summary>
    public static RouteStage Delay(TimeSpan dueTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        return new RouteStage("delay", $"delay({Format(dueTime)})", (source, context) => source.Counted(context, s => s.Delay(dueTime, context.Scheduler)));
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds:0.###}ms"
        : value.TotalSeconds < 60 || value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMinutes:0}m";
}

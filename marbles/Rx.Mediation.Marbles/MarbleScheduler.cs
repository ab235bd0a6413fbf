using System.Reactive.Concurrency;

namespace Rx.Mediation.Marbles;

/// <summary>
/// A virtual-time scheduler for marble tests. Absolute and relative times are
/// <see cref="TimeSpan"/> ticks, so every <see cref="TimeSpan"/>-based Rx operator
/// (Throttle, Buffer, Delay, Sample, Timeout…) works unchanged. One marble frame is
/// one virtual millisecond (<see cref="Frame"/> ticks). Virtual time 0 maps to
/// <see cref="Epoch"/> (the Unix epoch) for <see cref="IScheduler.Now"/>.
/// </summary>
public class MarbleScheduler : VirtualTimeScheduler<long, long>
{
    /// <summary>Length of one marble frame, in ticks (1 virtual millisecond).</summary>
    public const long Frame = TimeSpan.TicksPerMillisecond;

    /// <summary>Length of one marble frame as a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan FrameDuration { get; } = TimeSpan.FromTicks(Frame);

    /// <summary>The wall-clock instant reported by <see cref="IScheduler.Now"/> at virtual time 0.</summary>
    public static DateTimeOffset Epoch { get; } = DateTimeOffset.UnixEpoch;

    public MarbleScheduler() : base(0L, Comparer<long>.Default)
    {
    }

    /// <summary>Current virtual time as a <see cref="TimeSpan"/> since time 0.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Clock);

    /// <summary>Converts a virtual time (ticks) to the <see cref="DateTimeOffset"/> that <see cref="IScheduler.Now"/> reports at that time.</summary>
    public static DateTimeOffset TimeToDateTimeOffset(long time) => Epoch.AddTicks(time);

    /// <summary>Converts a <see cref="DateTimeOffset"/> (as reported by <see cref="IScheduler.Now"/>) back to virtual time (ticks).</summary>
    public static long DateTimeOffsetToTime(DateTimeOffset instant) => (instant - Epoch).Ticks;

    /// <summary>Virtual time (ticks) of the given number of frames.</summary>
    public static long Frames(long count) => checked(count * Frame);

    /// <summary>Schedules an action at an absolute virtual time (ticks).</summary>
    public IDisposable ScheduleAt(long time, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduleAbsolute(action, time, static (_, a) =>
        {
            a();
            return System.Reactive.Disposables.Disposable.Empty;
        });
    }

    protected override long Add(long absolute, long relative) => checked(absolute + relative);

    protected override DateTimeOffset ToDateTimeOffset(long absolute) => TimeToDateTimeOffset(absolute);

    protected override long ToRelative(TimeSpan timeSpan) => timeSpan.Ticks;
}

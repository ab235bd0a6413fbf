using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Rx.Mediation.Marbles.Specs;

public class SchedulerSpecs
{
    [Fact]
    public void Clock_is_in_TimeSpan_ticks_and_Now_is_consistent()
    {
        var scheduler = new MarbleScheduler();
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(5).Ticks);

        scheduler.Clock.ShouldBe(TimeSpan.FromMilliseconds(5).Ticks);
        scheduler.Elapsed.ShouldBe(TimeSpan.FromMilliseconds(5));
        scheduler.Now.ShouldBe(MarbleScheduler.Epoch + TimeSpan.FromMilliseconds(5));
        MarbleScheduler.DateTimeOffsetToTime(scheduler.Now).ShouldBe(scheduler.Clock);
        MarbleScheduler.TimeToDateTimeOffset(scheduler.Clock).ShouldBe(scheduler.Now);
    }

    [Fact]
    public void Frames_are_milliseconds()
    {
        MarbleScheduler.Frames(3).ShouldBe(TimeSpan.FromMilliseconds(3).Ticks);
        MarbleScheduler.FrameDuration.ShouldBe(TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Relative_TimeSpan_scheduling_is_virtual()
    {
        IScheduler scheduler = new MarbleScheduler();
        var firedAt = DateTimeOffset.MinValue;
        scheduler.Schedule(TimeSpan.FromSeconds(30), () => firedAt = scheduler.Now);
        ((MarbleScheduler)scheduler).Start();

        firedAt.ShouldBe(MarbleScheduler.Epoch + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Absolute_DateTimeOffset_scheduling_is_virtual()
    {
        var scheduler = new MarbleScheduler();
        long firedAt = -1;
        ((IScheduler)scheduler).Schedule(MarbleScheduler.Epoch.AddMilliseconds(7), () => firedAt = scheduler.Clock);
        scheduler.Start();

        firedAt.ShouldBe(MarbleScheduler.Frames(7));
    }

    [Fact]
    public void Same_time_actions_run_in_scheduling_order()
    {
        var scheduler = new MarbleScheduler();
        var order = new List<int>();
        scheduler.ScheduleAt(10, () => order.Add(1));
        scheduler.ScheduleAt(10, () => order.Add(2));
        scheduler.ScheduleAt(5, () => order.Add(0));
        scheduler.Start();

        order.ShouldBe([0, 1, 2]);
    }

    [Fact]
    public void Periodic_operators_run_in_virtual_time()
    {
        var scheduler = new MarbleScheduler();
        var ticks = new List<long>();
        Observable.Interval(TimeSpan.FromMilliseconds(10), scheduler).Take(3).Subscribe(_ => ticks.Add(scheduler.Clock));
        scheduler.Start();

        ticks.ShouldBe([MarbleScheduler.Frames(10), MarbleScheduler.Frames(20), MarbleScheduler.Frames(30)]);
    }
}

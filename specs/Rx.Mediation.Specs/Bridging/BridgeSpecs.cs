using System.Reactive.Concurrency;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles;
using Rx.Mediation.Nodes;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Bridging;

public class BridgeSpecs
{
    private static Event E(string text) => Event.FromText("src", "t", text);

    [Fact]
    public void The_drain_takes_a_whole_burst_in_one_scheduled_pass()
    {
        var scheduler = new CountingScheduler(new MarbleScheduler());
        var received = new List<string>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 100 }, scheduler, System.Reactive.Observer.Create<Event>(e => received.Add(e.Text)), (_, _) => { });

        for (var i = 0; i < 50; i++) bridge.Offer(E(i.ToString()));
        ((MarbleScheduler)scheduler.Inner).Start();

        received.Count.ShouldBe(50);
        scheduler.Scheduled.ShouldBe(1);
    }

    [Fact]
    public void Backpressure_times_out_on_the_route_scheduler_and_counts_the_drop()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<(string, DropReason)>();
        // Downstream never drains: the drain work item is scheduled but we only advance past the timeout after blocking it.
        var gate = new BlockingObserver();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromMilliseconds(5) },
            new HoldingScheduler(scheduler), gate, (e, reason) => drops.Add((e.Text, reason)));

        bridge.Offer(E("a")).IsAccepted.ShouldBeTrue();
        bridge.Offer(E("b")).IsAccepted.ShouldBeTrue(); // waits in line
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(4).Ticks);
        drops.ShouldBeEmpty();
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(2).Ticks);

        drops.ShouldBe([("b", DropReason.BackpressureTimeout)]);
        bridge.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Waiters_time_out_each_at_its_own_deadline_from_one_timer_for_the_whole_line()
    {
        var clock = new MarbleScheduler();
        var timers = new TimerCountingScheduler(new HoldingScheduler(clock));
        var drops = new List<(string, long)>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 4, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromMilliseconds(5) },
            timers, new BlockingObserver(), (e, _) => drops.Add((e.Text, clock.Clock)));

        foreach (var text in new[] { "a1", "a2", "a3", "a4" }) bridge.Offer(E(text)); // the drain never runs: full
        var waiting = new List<ValueTask<Admission>>();
        foreach (var text in new[] { "b", "c", "d" }) waiting.Add(bridge.OfferAsync(E(text)));
        clock.AdvanceBy(TimeSpan.FromMilliseconds(3).Ticks);
        waiting.Add(bridge.OfferAsync(E("e")));
        clock.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);

        var ms = TimeSpan.FromMilliseconds(1).Ticks;
        drops.ShouldBe([("b", 5 * ms), ("c", 5 * ms), ("d", 5 * ms), ("e", 8 * ms)]);
        foreach (var admission in waiting) (await admission).Status.ShouldBe(AdmissionStatus.Rejected);
        timers.Timed.ShouldBe(2, "one timer for the line's head at a time, not one per waiter");
        bridge.Count.ShouldBe(4);
    }

    [Fact]
    public async Task OfferAsync_waits_for_room_and_is_accepted_once_the_drain_frees_it()
    {
        var scheduler = new MarbleScheduler();
        var received = new List<string>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromSeconds(1) },
            scheduler, System.Reactive.Observer.Create<Event>(e => received.Add(e.Text)), (_, _) => { });

        (await bridge.OfferAsync(E("a"))).IsAccepted.ShouldBeTrue();
        var waiting = bridge.OfferAsync(E("b"));
        waiting.IsCompleted.ShouldBeFalse();

        scheduler.AdvanceBy(1);
        (await waiting).IsAccepted.ShouldBeTrue();
        received.ShouldBe(["a", "b"]);
    }

    // Each admitted waiter resumes its source through a thread-pool hop: admitted slot by slot, sources and drain fall
    // into lock-step with a wake-up per event or two. Admitted once the bridge is half empty, a source writes many.
    [Fact]
    public async Task Waiters_are_admitted_once_the_bridge_is_half_empty_not_slot_by_slot()
    {
        var scheduler = new MarbleScheduler();
        ValueTask<Admission> waiting = default;
        var deliveredWhenAdmitted = -1;
        var delivered = 0;
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 100, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromSeconds(1) },
            scheduler, System.Reactive.Observer.Create<Event>(_ =>
            {
                if (deliveredWhenAdmitted < 0 && waiting.IsCompleted) deliveredWhenAdmitted = delivered;
                delivered++;
            }), (_, _) => { });
        for (var i = 0; i < 100; i++) bridge.Offer(E(i.ToString())).IsAccepted.ShouldBeTrue();
        waiting = bridge.OfferAsync(E("waiter"));
        waiting.IsCompleted.ShouldBeFalse();

        scheduler.Start();

        (await waiting).IsAccepted.ShouldBeTrue();
        delivered.ShouldBe(101);
        // The drain takes 32 at a time: after two handfuls 36 are left, at most half of 100, and the waiter is admitted.
        deliveredWhenAdmitted.ShouldBe(64);
    }

    [Fact]
    public async Task A_waiter_admitted_before_its_source_cancels_is_not_dropped_afterwards()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<DropReason>();
        var received = new List<string>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.Backpressure },
            scheduler, System.Reactive.Observer.Create<Event>(e => received.Add(e.Text)), (_, reason) => drops.Add(reason));
        bridge.Offer(E("a"));
        using var cts = new CancellationTokenSource();

        var waiting = bridge.OfferAsync(E("b"), cts.Token);
        scheduler.AdvanceBy(1);
        (await waiting).IsAccepted.ShouldBeTrue();
        cts.Cancel();
        scheduler.AdvanceBy(1);

        drops.ShouldBeEmpty();
        received.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task OfferAsync_gives_up_when_the_source_cancels_and_counts_it()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<DropReason>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.Backpressure },
            scheduler, System.Reactive.Observer.Create<Event>(_ => { }), (_, reason) => drops.Add(reason));
        bridge.Offer(E("a"));
        using var cts = new CancellationTokenSource();

        var waiting = bridge.OfferAsync(E("b"), cts.Token);
        cts.Cancel();

        (await waiting).Status.ShouldBe(AdmissionStatus.Rejected);
        drops.ShouldBe([DropReason.Cancelled]);
    }

    [Fact]
    public void Complete_drains_what_is_buffered_before_completing_downstream()
    {
        var scheduler = new MarbleScheduler();
        var log = new List<string>();
        var bridge = new Bridge("r", BridgeOptions.Default, scheduler,
            System.Reactive.Observer.Create<Event>(e => log.Add(e.Text), () => log.Add("|")), (_, _) => { });
        bridge.Offer(E("a"));
        bridge.Offer(E("b"));
        bridge.Complete();
        bridge.Offer(E("late")).Status.ShouldBe(AdmissionStatus.Rejected);

        scheduler.Start();

        log.ShouldBe(["a", "b", "|"]);
        bridge.Completion.IsCompleted.ShouldBeTrue();
    }

    [Theory]
    [InlineData(OverflowStrategy.Backpressure)]
    [InlineData(OverflowStrategy.DropNew)]
    [InlineData(OverflowStrategy.DropHead)]
    public async Task A_completed_bridge_refuses_and_counts_late_events_but_a_handed_over_one_answers_moved_uncounted(OverflowStrategy overflow)
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<(string, DropReason)>();
        var received = new List<string>();
        Bridge Build() => new("r", new BridgeOptions { Capacity = 4, Overflow = overflow }, scheduler,
            System.Reactive.Observer.Create<Event>(e => received.Add(e.Text)), (e, reason) => drops.Add((e.Text, reason)));
        var stopped = Build();
        var replaced = Build();
        stopped.Offer(E("kept-1")).IsAccepted.ShouldBeTrue();
        replaced.Offer(E("kept-2")).IsAccepted.ShouldBeTrue();

        stopped.Complete();
        replaced.HandOver();
        var refused = stopped.Offer(E("late-1"));
        var moved = replaced.Offer(E("late-2"));
        var movedAsync = await replaced.OfferAsync(E("late-3"));
        scheduler.Start();

        refused.IsMoved.ShouldBeFalse();
        refused.Status.ShouldBe(AdmissionStatus.Rejected);
        moved.IsMoved.ShouldBeTrue();
        movedAsync.IsMoved.ShouldBeTrue();
        drops.ShouldBe([("late-1", DropReason.Stopped)]);
        received.ShouldBe(["kept-1", "kept-2"], ignoreOrder: true);
        replaced.Abandon();
        replaced.Offer(E("after-abandon")).IsMoved.ShouldBeTrue();
        drops.Count.ShouldBe(1);
    }

    [Fact]
    public void Only_the_hand_over_itself_answers_moved_not_a_refusal_with_the_same_words()
    {
        Admission.Moved.IsMoved.ShouldBeTrue();
        Admission.Rejected("the route was replaced; its successor takes the event", default).IsMoved.ShouldBeFalse();
    }

    [Fact]
    public void Abandon_counts_every_event_left_behind()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<DropReason>();
        var bridge = new Bridge("r", BridgeOptions.Default, new HoldingScheduler(scheduler), System.Reactive.Observer.Create<Event>(_ => { }), (_, r) => drops.Add(r));
        bridge.Offer(E("a"));
        bridge.Offer(E("b"));

        bridge.Abandon().ShouldBe(2);
        drops.ShouldBe([DropReason.DrainTimeout, DropReason.DrainTimeout]);
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        Should.Throw<ArgumentException>(() => new BridgeOptions { Capacity = 0 }.Validate()).Message.ShouldContain("capacity");
        Should.Throw<ArgumentException>(() => new BridgeOptions { BackpressureTimeout = TimeSpan.FromSeconds(-1) }.Validate()).Message.ShouldContain("backpressure timeout");
    }

    [Theory]
    [InlineData("drop-head", OverflowStrategy.DropHead)]
    [InlineData("drop-oldest", OverflowStrategy.DropHead)]
    [InlineData("dropTail", OverflowStrategy.DropTail)]
    [InlineData("drop-new", OverflowStrategy.DropNew)]
    [InlineData("drop-buffer", OverflowStrategy.DropBuffer)]
    [InlineData("backpressure", OverflowStrategy.Backpressure)]
    [InlineData("fail", OverflowStrategy.Fail)]
    public void Strategies_parse_from_their_akka_names(string text, OverflowStrategy expected)
    {
        OverflowStrategyNames.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(expected);
        OverflowStrategyNames.TryParse(parsed.ToName(), out var roundTrip).ShouldBeTrue();
        roundTrip.ShouldBe(expected);
    }

    /// <summary>Counts scheduled work items.</summary>
    private sealed class CountingScheduler(IScheduler inner) : IScheduler
    {
        public IScheduler Inner { get; } = inner;

        public int Scheduled { get; private set; }

        public DateTimeOffset Now => Inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return Inner.Schedule(state, action);
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) => Inner.Schedule(state, dueTime, action);

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) => Inner.Schedule(state, dueTime, action);
    }

    /// <summary>Counts timed work items.</summary>
    private sealed class TimerCountingScheduler(IScheduler inner) : IScheduler
    {
        public int Timed { get; private set; }

        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) => inner.Schedule(state, action);

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Timed++;
            return inner.Schedule(state, dueTime, action);
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Timed++;
            return inner.Schedule(state, dueTime, action);
        }
    }
}

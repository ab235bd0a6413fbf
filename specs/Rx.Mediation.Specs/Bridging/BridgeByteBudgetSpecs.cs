using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles;
using Rx.Mediation.Nodes;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Bridging;

/// <summary>A bridge is full at its byte budget as at its capacity: each strategy does what it does at a full bridge.</summary>
public class BridgeByteBudgetSpecs
{
    // Capacity far above what the specs offer: whatever overflows, overflows by bytes.
    private const int Roomy = 100;

    /// <summary>An event of <paramref name="size"/> payload bytes, named by its id.</summary>
    private static Event E(string name, int size) => Event.Create("src", "t", new byte[size], id: name);

    private sealed class Harness
    {
        public readonly MarbleScheduler Scheduler = new();
        public readonly List<string> Received = [];
        public readonly List<(string Id, DropReason Reason)> Drops = [];
        public Exception? Error;
        public readonly Bridge Bridge;

        public Harness(OverflowStrategy overflow, long maxBytes, int capacity = Roomy, IReadOnlyList<OutboundPressure>? pressures = null,
            TimeSpan? backpressureTimeout = null)
        {
            Bridge = new Bridge("r", new BridgeOptions
                {
                    Capacity = capacity,
                    MaxBytes = maxBytes,
                    Overflow = overflow,
                    BackpressureTimeout = backpressureTimeout ?? TimeSpan.FromSeconds(1),
                },
                Scheduler, System.Reactive.Observer.Create<Event>(e => Received.Add(e.Id), ex => Error = ex, () => { }),
                (e, reason) => Drops.Add((e.Id, reason)), pressures: pressures);
        }

        public Admission Offer(string name, int size) => Bridge.Offer(E(name, size));

        public void Drain() => Scheduler.Start();
    }

    [Fact]
    public void Drop_new_refuses_the_event_that_would_pass_the_budget_and_takes_a_smaller_one_after_it()
    {
        var h = new Harness(OverflowStrategy.DropNew, maxBytes: 100);

        h.Offer("a", 60).IsAccepted.ShouldBeTrue();
        var refused = h.Offer("b", 50);
        h.Offer("c", 40).IsAccepted.ShouldBeTrue();

        refused.Status.ShouldBe(AdmissionStatus.Rejected);
        h.Drops.ShouldBe([("b", DropReason.ByteBudget)]);
        h.Bridge.Bytes.ShouldBe(100);
        h.Drain();
        h.Received.ShouldBe(["a", "c"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void Fail_fails_the_route_when_the_byte_budget_overflows_and_says_so()
    {
        var h = new Harness(OverflowStrategy.Fail, maxBytes: 100);

        h.Offer("a", 60).IsAccepted.ShouldBeTrue();
        h.Offer("b", 50).Status.ShouldBe(AdmissionStatus.Rejected);
        h.Offer("c", 1).Status.ShouldBe(AdmissionStatus.Rejected);
        h.Drain();

        h.Drops.ShouldBe([("b", DropReason.ByteBudget), ("c", DropReason.RouteFailed)]);
        h.Received.ShouldBe(["a"]);
        var fault = h.Error.ShouldBeOfType<BridgeOverflowException>();
        fault.MaxBytes.ShouldBe(100);
        fault.Message.ShouldContain("byte budget of 100 bytes");
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void Drop_head_evicts_the_oldest_events_until_the_arriving_one_fits()
    {
        var h = new Harness(OverflowStrategy.DropHead, maxBytes: 100);

        h.Offer("a", 30).IsAccepted.ShouldBeTrue();
        h.Offer("b", 30).IsAccepted.ShouldBeTrue();
        h.Offer("c", 30).IsAccepted.ShouldBeTrue();
        h.Offer("d", 70).IsAccepted.ShouldBeTrue();

        h.Drops.ShouldBe([("a", DropReason.ByteBudget), ("b", DropReason.ByteBudget)]);
        h.Bridge.Bytes.ShouldBe(100);
        h.Drain();
        h.Received.ShouldBe(["c", "d"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    // The drain holds a handful it has taken while a target downstream is saturated; only it may deliver them.
    [Fact]
    public void Drop_head_refuses_the_arriving_event_when_only_events_in_the_drains_hand_fill_the_budget()
    {
        var target = new OutboundPressure(highWater: 1, lowWater: 0);
        target.Add();
        var h = new Harness(OverflowStrategy.DropHead, maxBytes: 100, pressures: [target]);
        h.Offer("a", 40);
        h.Offer("b", 40);
        h.Drain(); // takes both into its hand, then holds back

        h.Offer("c", 50).Status.ShouldBe(AdmissionStatus.Rejected);

        h.Drops.ShouldBe([("c", DropReason.ByteBudget)]);
        h.Bridge.Bytes.ShouldBe(80);
        target.Remove();
        h.Drain();
        h.Received.ShouldBe(["a", "b"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void Drop_tail_refuses_the_arriving_event_the_newest_of_all_and_keeps_the_older_ones()
    {
        var h = new Harness(OverflowStrategy.DropTail, maxBytes: 100);

        h.Offer("a", 40).IsAccepted.ShouldBeTrue();
        h.Offer("b", 40).IsAccepted.ShouldBeTrue();
        h.Offer("c", 40).Status.ShouldBe(AdmissionStatus.Rejected);
        h.Offer("d", 20).IsAccepted.ShouldBeTrue();

        h.Drops.ShouldBe([("c", DropReason.ByteBudget)]);
        h.Drain();
        h.Received.ShouldBe(["a", "b", "d"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void Drop_buffer_drops_everything_buffered_to_take_an_event_past_the_budget()
    {
        var h = new Harness(OverflowStrategy.DropBuffer, maxBytes: 100);

        h.Offer("a", 40).IsAccepted.ShouldBeTrue();
        h.Offer("b", 40).IsAccepted.ShouldBeTrue();
        h.Offer("c", 40).IsAccepted.ShouldBeTrue();

        h.Drops.ShouldBe([("a", DropReason.ByteBudget), ("b", DropReason.ByteBudget)]);
        h.Bridge.Bytes.ShouldBe(40);
        h.Drain();
        h.Received.ShouldBe(["c"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Theory]
    [InlineData(OverflowStrategy.DropHead, DropReason.DropHead, "b,c")]
    [InlineData(OverflowStrategy.DropTail, DropReason.DropTail, "a,c")]
    public void Events_the_channel_evicts_for_the_count_give_their_bytes_back(OverflowStrategy overflow, DropReason reason, string kept)
    {
        var h = new Harness(overflow, maxBytes: 1000, capacity: 2);

        h.Offer("a", 10);
        h.Offer("b", 20);
        h.Offer("c", 30);

        h.Drops.ShouldBe([(overflow == OverflowStrategy.DropHead ? "a" : "b", reason)]);
        h.Bridge.Bytes.ShouldBe(kept == "b,c" ? 50 : 40);
        h.Drain();
        string.Join(",", h.Received).ShouldBe(kept);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public async Task A_backpressured_source_waits_while_the_bytes_do_not_fit_though_the_count_would()
    {
        var h = new Harness(OverflowStrategy.Backpressure, maxBytes: 100);
        ValueTask<Admission> waiting = default;
        var admittedBeforeA = false;
        var bridge = new Bridge("r", new BridgeOptions { Capacity = Roomy, MaxBytes = 100, Overflow = OverflowStrategy.Backpressure },
            h.Scheduler, System.Reactive.Observer.Create<Event>(e =>
            {
                if (e.Id == "a") admittedBeforeA = waiting.IsCompleted;
                h.Received.Add(e.Id);
            }), (e, reason) => h.Drops.Add((e.Id, reason)));

        bridge.Offer(E("a", 60)).IsAccepted.ShouldBeTrue();
        waiting = bridge.OfferAsync(E("b", 60));

        waiting.IsCompleted.ShouldBeFalse();
        (bridge.Count, bridge.Bytes).ShouldBe((2, 120));
        h.Drain();
        (await waiting).IsAccepted.ShouldBeTrue();
        admittedBeforeA.ShouldBeFalse("the waiter is admitted only once a's bytes have left");
        h.Received.ShouldBe(["a", "b"]);
        h.Drops.ShouldBeEmpty();
        (bridge.Count, bridge.Bytes).ShouldBe((0, 0));
    }

    [Fact]
    public void The_backpressure_waiting_line_has_a_byte_budget_of_its_own()
    {
        var h = new Harness(OverflowStrategy.Backpressure, maxBytes: 100);

        h.Offer("a", 100).IsAccepted.ShouldBeTrue();
        h.Offer("b", 60).IsAccepted.ShouldBeTrue(); // waits in line
        h.Offer("c", 50).Status.ShouldBe(AdmissionStatus.Rejected);
        h.Offer("d", 40).IsAccepted.ShouldBeTrue(); // fills the line's budget exactly

        h.Drops.ShouldBe([("c", DropReason.ByteBudget)]);
        h.Bridge.Bytes.ShouldBe(200);
        h.Drain();
        h.Received.ShouldBe(["a", "b", "d"]);
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Theory]
    [InlineData(OverflowStrategy.DropHead)]
    [InlineData(OverflowStrategy.DropTail)]
    [InlineData(OverflowStrategy.DropNew)]
    [InlineData(OverflowStrategy.DropBuffer)]
    [InlineData(OverflowStrategy.Backpressure)]
    [InlineData(OverflowStrategy.Fail)]
    public void An_event_larger_than_the_whole_budget_passes_alone_through_an_empty_bridge(OverflowStrategy overflow)
    {
        var h = new Harness(overflow, maxBytes: 100);

        h.Offer("big", 250).IsAccepted.ShouldBeTrue();

        h.Bridge.Bytes.ShouldBe(250);
        h.Drain();
        h.Received.ShouldBe(["big"]);
        h.Drops.ShouldBeEmpty();
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void An_oversized_event_waits_under_backpressure_until_the_bridge_is_empty_and_then_passes()
    {
        var h = new Harness(OverflowStrategy.Backpressure, maxBytes: 100);

        h.Offer("a", 10).IsAccepted.ShouldBeTrue();
        h.Offer("big", 250).IsAccepted.ShouldBeTrue(); // waits: the line is empty, so it may hold it

        h.Bridge.Bytes.ShouldBe(260);
        h.Drain();
        h.Received.ShouldBe(["a", "big"]);
        h.Drops.ShouldBeEmpty();
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void An_oversized_event_is_refused_by_drop_new_while_the_bridge_holds_anything()
    {
        var h = new Harness(OverflowStrategy.DropNew, maxBytes: 100);

        h.Offer("a", 1).IsAccepted.ShouldBeTrue();
        h.Offer("big", 250).Status.ShouldBe(AdmissionStatus.Rejected);

        h.Drops.ShouldBe([("big", DropReason.ByteBudget)]);
    }

    [Fact]
    public void Abandon_gives_back_the_bytes_of_the_channel_and_of_the_waiting_line()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<DropReason>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = Roomy, MaxBytes = 100, Overflow = OverflowStrategy.Backpressure },
            new HoldingScheduler(scheduler), new BlockingObserver(), (_, reason) => drops.Add(reason));
        bridge.Offer(E("a", 70));
        bridge.Offer(E("b", 70)); // waits in line
        bridge.Bytes.ShouldBe(140);

        bridge.Abandon().ShouldBe(2);

        drops.ShouldBe([DropReason.DrainTimeout, DropReason.DrainTimeout]);
        (bridge.Count, bridge.Bytes).ShouldBe((0, 0));
    }

    [Fact]
    public async Task Waiters_that_time_out_or_give_up_give_their_bytes_back()
    {
        var scheduler = new MarbleScheduler();
        var drops = new List<(string, DropReason)>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = Roomy, MaxBytes = 100, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromMilliseconds(5) },
            new HoldingScheduler(scheduler), new BlockingObserver(), (e, reason) => drops.Add((e.Id, reason)));
        bridge.Offer(E("a", 100));
        using var cancel = new CancellationTokenSource();
        var cancelled = bridge.OfferAsync(E("b", 30), cancel.Token);
        bridge.Offer(E("c", 40)); // waits in line
        bridge.Bytes.ShouldBe(170);

        await cancel.CancelAsync();
        (await cancelled).Status.ShouldBe(AdmissionStatus.Rejected);
        bridge.Bytes.ShouldBe(140);
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(6).Ticks);

        drops.ShouldBe([("b", DropReason.Cancelled), ("c", DropReason.BackpressureTimeout)]);
        bridge.Bytes.ShouldBe(100);
    }

    [Theory]
    [InlineData(OverflowStrategy.Backpressure)]
    [InlineData(OverflowStrategy.DropHead)]
    [InlineData(OverflowStrategy.DropNew)]
    public void A_bridge_handed_over_drains_its_bytes_to_nothing(OverflowStrategy overflow)
    {
        var h = new Harness(overflow, maxBytes: 100);
        h.Offer("a", 60);
        h.Offer("b", 30);

        h.Bridge.HandOver();
        h.Offer("late", 5).IsMoved.ShouldBeTrue();
        h.Drain();

        h.Received.ShouldBe(["a", "b"]);
        h.Bridge.Completion.IsCompleted.ShouldBeTrue();
        h.Bridge.Bytes.ShouldBe(0);
    }

    [Fact]
    public void A_byte_budget_below_one_byte_is_refused_naming_the_setting()
    {
        Should.Throw<ArgumentException>(() => new BridgeOptions { MaxBytes = 0 }.Validate()).Message.ShouldContain("max-bytes");
    }
}

using System.Collections.Concurrent;
using Rx.Mediation.Bridging;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Bridging;

/// <summary>A target's outbound queue holding its routes back, and the bridge waiting on it.</summary>
public class OutboundPressureSpecs
{
    private static Event E(string text) => Event.FromText("src", "t", text);

    [Fact]
    public void Saturates_at_the_high_water_mark_and_stays_so_until_the_low_water_mark()
    {
        var pressure = new OutboundPressure(highWater: 4, lowWater: 2);
        var resumed = 0;

        pressure.Add(3);
        pressure.IsSaturated.ShouldBeFalse();
        pressure.TryPass(() => resumed++).ShouldBeTrue();
        pressure.Add();
        pressure.IsSaturated.ShouldBeTrue();
        pressure.TryPass(() => resumed++).ShouldBeFalse();
        pressure.Remove();
        pressure.IsSaturated.ShouldBeTrue("3 pending is still above the low-water mark");
        resumed.ShouldBe(0);
        pressure.Remove();

        pressure.IsSaturated.ShouldBeFalse();
        resumed.ShouldBe(1);
        pressure.Remove(2);
        resumed.ShouldBe(1, "a resume is called once per registration");
        pressure.Saturations.ShouldBe(1);
        pressure.Pending.ShouldBe(0);
    }

    [Fact]
    public void Clear_resumes_everyone_waiting_and_forgets_what_was_pending()
    {
        var pressure = OutboundPressure.ForQueue(10);
        (pressure.HighWater, pressure.LowWater).ShouldBe((5, 2));
        var resumed = new List<string>();
        pressure.Add(7);
        pressure.TryPass(() => resumed.Add("a")).ShouldBeFalse();
        pressure.TryPass(() => resumed.Add("b")).ShouldBeFalse();

        pressure.Clear();

        resumed.ShouldBe(["a", "b"]);
        pressure.IsSaturated.ShouldBeFalse();
        pressure.Pending.ShouldBe(0);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 4)]
    [InlineData(4, 5)]
    [InlineData(4, -1)]
    public void Marks_that_cannot_work_are_refused(int high, int low) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new OutboundPressure(high, low));

    [Fact]
    public void An_outbound_queue_counts_its_writes_and_reads_into_its_pressure_and_refuses_when_full()
    {
        var queue = new OutboundQueue(capacity: 4, new OutboundPressure(highWater: 2, lowWater: 0));

        queue.TryWrite(E("a")).ShouldBeTrue();
        queue.TryWrite(E("b")).ShouldBeTrue();
        queue.Pressure.IsSaturated.ShouldBeTrue();
        queue.TryWrite(E("c")).ShouldBeTrue();
        queue.TryWrite(E("d")).ShouldBeTrue();
        queue.TryWrite(E("e")).ShouldBeFalse("full: the caller counts the drop");
        queue.Pressure.Pending.ShouldBe(4);

        queue.TryRead(out var first).ShouldBeTrue();
        first!.Text.ShouldBe("a");
        queue.Pressure.Pending.ShouldBe(3);
        queue.Complete();
        queue.TryWrite(E("f")).ShouldBeFalse("completed");

        queue.TakeAll().ShouldBe(3);
        queue.Count.ShouldBe(0);
        queue.Pressure.Pending.ShouldBe(0);
        queue.Pressure.IsSaturated.ShouldBeFalse();
    }

    [Fact]
    public void Saturates_at_the_byte_mark_though_few_events_are_pending_and_is_relieved_only_when_both_are_low()
    {
        var pressure = new OutboundPressure(highWater: 100, lowWater: 50, highWaterBytes: 1000, lowWaterBytes: 400);
        var resumed = 0;

        pressure.Add(1, 600);
        pressure.IsSaturated.ShouldBeFalse();
        pressure.Add(1, 400);
        pressure.IsSaturated.ShouldBeTrue("1000 bytes pending in two events");
        pressure.TryPass(() => resumed++).ShouldBeFalse();
        pressure.Remove(1, 400);
        pressure.IsSaturated.ShouldBeTrue("600 bytes is still above the byte low-water mark");
        pressure.Remove(1, 600);

        pressure.IsSaturated.ShouldBeFalse();
        resumed.ShouldBe(1);
        (pressure.Pending, pressure.PendingBytes).ShouldBe((0, 0L));
    }

    [Fact]
    public void A_queue_pressure_holds_back_at_half_the_events_or_half_the_bytes()
    {
        var pressure = OutboundPressure.ForQueue(10, maxBytes: 1000);

        (pressure.HighWater, pressure.LowWater, pressure.HighWaterBytes, pressure.LowWaterBytes).ShouldBe((5, 2, 500L, 250L));
        OutboundPressure.ForQueue(10).HighWaterBytes.ShouldBe(long.MaxValue, "without a byte budget bytes never hold back");
    }

    [Fact]
    public void An_outbound_queue_is_full_at_its_byte_budget_and_its_routes_hold_back_before()
    {
        var queue = new OutboundQueue(capacity: 100, OutboundPressure.ForQueue(100, maxBytes: 100), maxBytes: 100);
        static Event Sized(int size) => Event.Create("src", "t", new byte[size]);

        queue.TryWrite(Sized(40)).ShouldBeTrue();
        queue.Pressure.IsSaturated.ShouldBeFalse();
        queue.TryWrite(Sized(40)).ShouldBeTrue();
        queue.Pressure.IsSaturated.ShouldBeTrue("80 bytes is past half the budget");
        queue.TryWrite(Sized(30)).ShouldBeFalse("110 bytes would pass the budget: the caller counts the drop");
        queue.TryWrite(Sized(20)).ShouldBeTrue();
        (queue.Count, queue.Bytes, queue.Pressure.PendingBytes).ShouldBe((3, 100L, 100L));

        while (queue.TryRead(out _)) { }

        (queue.Bytes, queue.Pressure.PendingBytes).ShouldBe((0L, 0L));
        queue.Pressure.IsSaturated.ShouldBeFalse();
        queue.TryWrite(Sized(250)).ShouldBeTrue("one event larger than the whole budget passes an empty queue");
        queue.TryWrite(Sized(1)).ShouldBeFalse();
        queue.TakeAll().ShouldBe(1);
        (queue.Bytes, queue.Pressure.PendingBytes).ShouldBe((0L, 0L));
    }

    [Fact]
    public async Task Adds_and_removes_racing_across_the_marks_never_leave_it_saturated_when_empty()
    {
        // Producers cross the high-water mark while the sender empties the queue: whatever the interleaving, once every
        // event has left, the target is not saturated and every waiter was resumed.
        for (var round = 0; round < 200; round++)
        {
            var pressure = new OutboundPressure(highWater: 8, lowWater: 4);
            var queue = new ConcurrentQueue<int>();
            var waiting = 0;
            var resumed = 0;
            var producers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                for (var i = 0; i < 500; i++)
                {
                    queue.Enqueue(i);
                    pressure.Add();
                    if (!pressure.TryPass(() => Interlocked.Increment(ref resumed))) Interlocked.Increment(ref waiting);
                }
            })).ToArray();
            var sender = Task.Run(async () =>
            {
                var taken = 0;
                while (taken < 1000)
                {
                    if (queue.TryDequeue(out _))
                    {
                        pressure.Remove();
                        taken++;
                    }
                    else
                    {
                        await Task.Yield();
                    }
                }
            });
            await Task.WhenAll([.. producers, sender]).WaitAsync(TimeSpan.FromSeconds(30));

            pressure.Pending.ShouldBe(0);
            pressure.IsSaturated.ShouldBeFalse($"round {round}: saturated with nothing pending");
            Volatile.Read(ref resumed).ShouldBe(Volatile.Read(ref waiting), $"round {round}: a waiter was never resumed");
        }
    }

    [Fact]
    public void A_saturated_target_holds_the_drain_mid_handful_and_the_rest_wait_in_the_bridge()
    {
        var scheduler = new MarbleScheduler();
        var target = new QueueingTarget(new OutboundPressure(highWater: 3, lowWater: 1));
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 100 }, scheduler, target, (_, _) => { }, pressures: [target.Pressure]);

        for (var i = 0; i < 10; i++) bridge.Offer(E(i.ToString())).IsAccepted.ShouldBeTrue();
        scheduler.Start();

        target.Queued.ShouldBe(["0", "1", "2"]);
        bridge.IsHeldBack.ShouldBeTrue();
        bridge.Count.ShouldBe(7);

        target.Send(1); // 2 pending: still above the low-water mark
        scheduler.Start();
        target.Queued.Count.ShouldBe(2);

        target.Send(1); // 1 pending: resumed, and held again at 3
        scheduler.Start();
        target.Sent.ShouldBe(["0", "1"]);
        target.Queued.ShouldBe(["2", "3", "4"]);

        target.Send(3);
        scheduler.Start();
        target.Send(3);
        scheduler.Start();
        target.Send(3);
        scheduler.Start();
        target.Sent.ShouldBe(Enumerable.Range(0, 10).Select(i => i.ToString()), "in order, nothing lost");
        bridge.Count.ShouldBe(0);
    }

    [Fact]
    public void While_held_the_routes_overflow_strategy_decides_and_counts_what_does_not_fit()
    {
        var scheduler = new MarbleScheduler();
        var target = new QueueingTarget(new OutboundPressure(highWater: 2, lowWater: 0));
        var drops = new List<(string, DropReason)>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 3, Overflow = OverflowStrategy.DropNew }, scheduler, target,
            (e, reason) => drops.Add((e.Text, reason)), pressures: [target.Pressure]);

        bridge.Offer(E("a"));
        bridge.Offer(E("b"));
        scheduler.Start();
        foreach (var text in new[] { "c", "d", "e", "f" }) bridge.Offer(E(text));
        scheduler.Start();

        target.Queued.ShouldBe(["a", "b"]);
        drops.ShouldBe([("f", DropReason.DropNew)]);
        target.Send(2);
        scheduler.Start();
        target.Queued.ShouldBe(["c", "d"]);
    }

    [Fact]
    public void Completion_waits_for_the_target_then_delivers_everything_held()
    {
        var scheduler = new MarbleScheduler();
        var target = new QueueingTarget(new OutboundPressure(highWater: 2, lowWater: 0));
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 10 }, scheduler, target, (_, _) => { }, pressures: [target.Pressure]);
        foreach (var text in new[] { "a", "b", "c" }) bridge.Offer(E(text));

        bridge.Complete();
        scheduler.Start();
        bridge.Completion.IsCompleted.ShouldBeFalse();
        target.Completed.ShouldBeFalse();

        target.Send(2);
        scheduler.Start();
        target.Queued.ShouldBe(["c"]);
        target.Completed.ShouldBeTrue();
        bridge.Completion.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void Abandon_counts_what_the_held_drain_had_in_hand()
    {
        var scheduler = new MarbleScheduler();
        var target = new QueueingTarget(new OutboundPressure(highWater: 1, lowWater: 0));
        var drops = new List<(string, DropReason)>();
        var bridge = new Bridge("r", new BridgeOptions { Capacity = 10 }, scheduler, target, (e, r) => drops.Add((e.Text, r)), pressures: [target.Pressure]);
        foreach (var text in new[] { "a", "b", "c" }) bridge.Offer(E(text));
        scheduler.Start();

        bridge.Abandon().ShouldBe(2);

        drops.ShouldBe([("b", DropReason.DrainTimeout), ("c", DropReason.DrainTimeout)]);
        target.Queued.ShouldBe(["a"]);
    }

    [Fact]
    public async Task A_route_holds_back_for_any_of_its_targets_and_web_sources_wait_instead_of_the_target_dropping()
    {
        // The engine wires every target's pressure into the route: sources under backpressure wait while one of two
        // targets is full, and once that target sends, everything reaches both, in order.
        await using var engine = new MediationEngine();
        var source = new RecordingNode("in");
        var slow = new QueueingNode("slow", new OutboundPressure(highWater: 3, lowWater: 1));
        var fast = new RecordingNode("fast");
        engine.Add(source);
        engine.Add(slow);
        engine.Add(fast);
        await engine.ApplyRoutesAsync([new RouteDefinition
        {
            Name = "r",
            Sources = [new SourceBinding("in")],
            Targets = ["slow", "fast"],
            Bridge = new BridgeOptions { Capacity = 4, BackpressureTimeout = TimeSpan.FromSeconds(30) },
        }]);
        await engine.StartAsync();

        // One source offering 12 events one after another: at most 3 delivered + 4 in the drain's hand + 4 in the
        // bridge fit, so it must end up waiting for room.
        var admissions = new List<Admission>();
        var producing = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++) admissions.Add(await source.EmitAsync(i.ToString()));
        });
        await Wait.Until(() => slow.Pressure.IsSaturated && fast.Sent.Count == 3, "the slow target to fill up");
        await Task.Delay(50);
        fast.Sent.Count.ShouldBe(3, "the route holds back for its slowest target");
        producing.IsCompleted.ShouldBeFalse("the source waits for room instead of the target dropping");

        while (slow.SentCount < 12)
        {
            slow.SendAll();
            await Task.Delay(5);
        }
        await producing;
        admissions.ShouldAllBe(a => a.IsAccepted);
        slow.SentTexts.ShouldBe(Enumerable.Range(0, 12).Select(i => i.ToString()));
        fast.SentTexts.ShouldBe(Enumerable.Range(0, 12).Select(i => i.ToString()));
        engine.Routes.Single().Counters.Dropped.Total.ShouldBe(0);
    }

    /// <summary>A target that queues what it is given and sends only when told, as a broker endpoint waiting for its broker.</summary>
    private sealed class QueueingTarget(OutboundPressure pressure) : IObserver<Event>
    {
        public OutboundPressure Pressure { get; } = pressure;

        public List<string> Queued { get; } = [];

        public List<string> Sent { get; } = [];

        public bool Completed { get; private set; }

        public void Send(int count)
        {
            var n = Math.Min(count, Queued.Count);
            Sent.AddRange(Queued.Take(n));
            Queued.RemoveRange(0, n);
            Pressure.Remove(n);
        }

        public void OnNext(Event value)
        {
            Queued.Add(value.Text);
            Pressure.Add();
        }

        public void OnError(Exception error) => Completed = true;

        public void OnCompleted() => Completed = true;
    }
}

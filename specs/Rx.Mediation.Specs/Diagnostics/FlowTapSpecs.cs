using System.Collections.Concurrent;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Diagnostics;

/// <summary>Flow taps see every event at every stage of a route, and cost nothing when detached.</summary>
public class FlowTapSpecs
{
    [Fact]
    public async Task A_tap_sees_received_routed_delivered_and_filtered_events_are_only_received()
    {
        var (engine, source, _) = await StartAsync(routes => routes.From("in").Named("r").Where(e => e.Text != "skip").To("out"));
        await using var _ = Stopping(engine);
        var tap = new RecordingTap();
        using (engine.Tap(tap))
        {
            source.Emit("a");
            source.Emit("skip");
            Run(engine);
        }
        source.Emit("after-detach");
        Run(engine);

        // Both are taken by the bridge before its drain runs; the filtered one never leaves the chain.
        tap.Lines.ShouldBe([
            "received r a node=in",
            "received r skip node=in",
            "routed r a",
            "delivered r a node=out",
        ]);
    }

    [Fact]
    public async Task Drops_and_failures_reach_the_tap_with_their_reason()
    {
        var (engine, source, target) = await StartAsync(routes => routes.From("in").Named("r").Bridge(1, OverflowStrategy.DropNew).To("out"));
        await using var _ = Stopping(engine);
        var tap = new RecordingTap();
        using var attached = engine.Tap(tap);
        target.FailWhen = e => e.Text == "bad";

        source.Emit("bad");
        source.Emit("overflow");      // the bridge holds one event until the virtual clock lets it drain
        ((MarbleScheduler)engine.Scheduler).AdvanceBy(MarbleScheduler.Frames(1000));

        tap.Lines.ShouldBe([
            "received r bad node=in",
            "dropped r overflow reason=drop-new",
            "routed r bad",
            "failed r bad node=to:out reason=out refuses bad",
        ]);
    }

    [Fact]
    public async Task A_tap_that_throws_does_not_break_the_route()
    {
        var (engine, source, target) = await StartAsync(routes => routes.From("in").Named("r").To("out"));
        await using var _ = Stopping(engine);
        using var attached = engine.Tap(new ThrowingTap());

        source.Emit("a").IsAccepted.ShouldBeTrue();
        Run(engine);

        target.SentTexts.ShouldBe(["a"]);
        engine.FindRoute("r")!.Counters.Delivered.ShouldBe(1);
    }

    [Fact]
    public async Task Latency_is_the_time_since_the_event_entered_on_the_routes_clock()
    {
        var (engine, source, _) = await StartAsync(routes => routes.From("in").Named("r").Delay(TimeSpan.FromMilliseconds(30)).To("out"));
        await using var _ = Stopping(engine);
        var tap = new RecordingTap();
        using var attached = engine.Tap(tap);
        var clock = (MarbleScheduler)engine.Scheduler;

        source.Emit(Event.FromText("in", "t", "a", timestamp: clock.Now));
        clock.AdvanceBy(MarbleScheduler.Frames(1000));

        tap.Records.Select(r => (r.Stage, r.Latency)).ShouldBe([
            (FlowStage.Received, TimeSpan.Zero),
            (FlowStage.Routed, TimeSpan.FromMilliseconds(30)),
            (FlowStage.Delivered, TimeSpan.FromMilliseconds(30)),
        ]);
    }

    [Fact]
    public async Task A_tap_is_asked_what_it_wants_and_the_route_skips_the_rest_before_building_a_record()
    {
        var (engine, source, _) = await StartAsync(routes => routes.From("in").Named("r").Where(e => e.Text != "skip").To("out"));
        await using var _ = Stopping(engine);
        var everyOther = new CountingInterest(FlowInterest.Bit(FlowStage.Received) | FlowInterest.Bit(FlowStage.Delivered),
            sampledStages: FlowInterest.Bit(FlowStage.Delivered), sampleThreshold: ulong.MaxValue / 2);
        var tap = new RecordingTap(everyOther);
        using var attached = engine.Tap(tap);
        var clock = (MarbleScheduler)engine.Scheduler;

        var kept = 0;
        for (var i = 0; i < 200; i++)
        {
            var value = Event.FromText("in", "t", $"e{i}", timestamp: clock.Now.AddTicks(i));
            if (FlowInterest.Mix(value.Timestamp.UtcTicks) < ulong.MaxValue / 2) kept++;
            source.Emit(value);
        }
        Run(engine);

        tap.Records.Count(r => r.Stage == FlowStage.Received).ShouldBe(200);   // wanted, not sampled
        tap.Records.Count(r => r.Stage == FlowStage.Routed).ShouldBe(0);       // not wanted: never built
        tap.Records.Count(r => r.Stage == FlowStage.Delivered).ShouldBe(kept); // sampled by the event's timestamp
        kept.ShouldBeInRange(60, 140);
        everyOther.Skipped.ShouldBe(200 - kept);                               // the tap's ledger still balances
    }

    [Fact]
    public async Task Refresh_makes_routes_ask_again_and_several_taps_get_every_stage_any_of_them_wants()
    {
        var (engine, source, _) = await StartAsync(routes => routes.From("in").Named("r").To("out"));
        await using var _ = Stopping(engine);
        var dropsOnly = new RecordingTap(new FlowInterest(FlowInterest.Bit(FlowStage.Dropped)));
        using var first = engine.Tap(dropsOnly);

        source.Emit("a");
        Run(engine);
        dropsOnly.Records.ShouldBeEmpty();

        dropsOnly.Interest = new FlowInterest(FlowInterest.Bit(FlowStage.Routed));
        engine.Taps.Refresh();
        source.Emit("b");
        Run(engine);
        dropsOnly.Lines.ShouldBe(["routed r b"]);

        var everything = new RecordingTap();
        using var second = engine.Tap(everything);
        source.Emit("c");
        Run(engine);
        everything.Lines.ShouldBe(["received r c node=in", "routed r c", "delivered r c node=out"]);
    }

    // Virtual time: nothing drains until the spec runs the clock, so what a tap sees does not depend on threads.
    // Stopping does not advance the clock either, hence the short drain timeout.
    private static async Task<(MediationEngine Engine, RecordingNode Source, RecordingNode Target)> StartAsync(Action<RouteTable> build)
    {
        var engine = new MediationEngine(new EngineOptions { Scheduler = new MarbleScheduler(), DrainTimeout = TimeSpan.FromMilliseconds(50) });
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        engine.Add(source).Add(target);
        var routes = new RouteTable();
        build(routes);
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();
        return (engine, source, target);
    }

    // The engine's drain and its drain timeout run on the virtual clock too: stopping has to move it along.
    private static IAsyncDisposable Stopping(MediationEngine engine) => new StopOnVirtualClock(engine);

    private sealed class StopOnVirtualClock(MediationEngine engine) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var stopped = engine.DisposeAsync().AsTask();
            while (!stopped.IsCompleted)
            {
                Run(engine);
                await Task.WhenAny(stopped, Task.Delay(10));
            }
            await stopped;
        }
    }

    private static void Run(MediationEngine engine) => ((MarbleScheduler)engine.Scheduler).AdvanceBy(MarbleScheduler.Frames(1000));

    private sealed class RecordingTap(FlowInterest? interest = null) : IFlowTap
    {
        private readonly ConcurrentQueue<FlowRecord> _records = new();

        public FlowInterest Interest { get; set; } = interest ?? FlowInterest.All;

        public FlowInterest InterestIn(string route) => Interest;

        public IReadOnlyList<FlowRecord> Records => [.. _records];

        public IReadOnlyList<string> Lines => Records.Select(Describe).ToList();

        public void OnFlow(in FlowRecord record) => _records.Enqueue(record.Fixed());

        private static string Describe(FlowRecord r) =>
            $"{r.Stage.ToName()} {r.Route} {r.Event.Text}" + (r.Node is null ? "" : $" node={r.Node}") + (r.Reason is null ? "" : $" reason={r.Reason}");
    }

    private sealed class CountingInterest(int stages, int sampledStages, ulong sampleThreshold) : FlowInterest(stages, sampledStages, sampleThreshold)
    {
        public int Skipped { get; private set; }

        protected override void SampledOut(FlowStage stage) => Skipped++;
    }

    private sealed class ThrowingTap : IFlowTap
    {
        public void OnFlow(in FlowRecord record) => throw new InvalidOperationException("a broken tap");
    }
}

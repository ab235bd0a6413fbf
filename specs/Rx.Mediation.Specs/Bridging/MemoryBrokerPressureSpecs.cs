using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Engine;
using Rx.Mediation.Marbles;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Bridging;

/// <summary>
/// The in-memory broker hands events to the routes reading from it without waiting: a full bridge there holds back the
/// routes publishing to it, so sources feel the pressure at the first route and nothing accepted is dropped past it.
/// In virtual time: the engine is never stopped, as stopping waits for drains on that clock.
/// </summary>
public class MemoryBrokerPressureSpecs
{
    private static readonly BridgeOptions Small = new() { Capacity = 8, BackpressureTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task A_route_into_the_memory_broker_is_held_back_by_the_full_bridge_of_a_route_reading_from_it()
    {
        var (scheduler, web, memory, slow, ingress, egress) = await StartAsync(Small);

        // A client sending one event after another, each once the last was answered, until it has to wait.
        var answers = new List<Admission>();
        var waiting = default(ValueTask<Admission>);
        for (var i = 0; i < 100; i++)
        {
            waiting = web.EmitAsync(i.ToString());
            scheduler.AdvanceBy(1);
            if (!waiting.IsCompleted) break;
            answers.Add(await waiting);
        }

        waiting.IsCompleted.ShouldBeFalse("the client waits for room at the first route");
        answers.ShouldAllBe(a => a.IsAccepted);
        answers.Count.ShouldBeLessThanOrEqualTo(2 + 2 * Small.Capacity + 2 * Small.Capacity, "what is accepted waits in the target and the two bridges");
        slow.QueuedTexts.ShouldBe(["0", "1"]);
        egress.Bridge.IsHoldingUpstream.ShouldBeTrue();
        memory.Pressure.IsSaturated.ShouldBeTrue();
        ingress.Bridge.IsHeldBack.ShouldBeTrue();
        (ingress.Counters.Dropped.Total, egress.Counters.Dropped.Total).ShouldBe((0, 0));

        scheduler.AdvanceBy(Small.BackpressureTimeout.Ticks);

        // The answer reaches the source on the thread pool: the timeout itself ran in virtual time.
        (await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Status.ShouldBe(AdmissionStatus.Rejected, "refused at the first route once the timeout passed");
        ingress.Counters.Dropped[DropReason.BackpressureTimeout].ShouldBe(1);
        egress.Counters.Dropped.Total.ShouldBe(0);

        SendUntil(slow, scheduler, answers.Count);
        slow.SentTexts.ShouldBe(Enumerable.Range(0, answers.Count).Select(i => i.ToString()), "every accepted event, in order");
        egress.Counters.Dropped.Total.ShouldBe(0);
        egress.Bridge.IsHoldingUpstream.ShouldBeFalse();
        memory.Pressure.IsSaturated.ShouldBeFalse();
        memory.Pressure.Saturations.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Under_drop_new_the_first_route_refuses_and_counts_what_the_full_route_behind_the_broker_cannot_take()
    {
        var (scheduler, web, _, slow, ingress, egress) = await StartAsync(Small with { Overflow = OverflowStrategy.DropNew });

        var answers = new List<Admission>();
        for (var i = 0; i < 60; i++)
        {
            answers.Add(web.Emit(i.ToString()));
            scheduler.AdvanceBy(1);
        }

        var accepted = answers.Select((a, i) => (a, i)).Where(x => x.a.IsAccepted).Select(x => x.i.ToString()).ToList();
        ingress.Counters.Dropped[DropReason.DropNew].ShouldBe(60 - accepted.Count);
        accepted.Count.ShouldBeLessThan(60);
        SendUntil(slow, scheduler, accepted.Count);
        slow.SentTexts.ShouldBe(accepted);
        egress.Counters.Dropped.Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_route_from_the_memory_broker_back_into_it_does_not_hold_itself_back()
    {
        // Republishing under another topic: the route reads from the broker it sends to. Held back by its own full
        // bridge it could never drain it; so it holds back on the routes behind it only, never on itself.
        var scheduler = new MarbleScheduler();
        var engine = new MediationEngine(new EngineOptions { Scheduler = scheduler });
        var web = new RecordingNode("web");
        var sink = new RecordingNode("sink");
        engine.Add(web).Add(new MemoryEndpoint("memory")).Add(sink);
        var routes = new RouteTable();
        routes.From("web").Named("ingress").To("memory");
        routes.FromTopic("memory", "raw/#").Named("republish").SetTopic("done").To("memory");
        routes.FromTopic("memory", "done").Named("egress").To("sink");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        var answers = Enumerable.Range(0, 1000).Select(i => web.EmitAsync(i.ToString(), "raw/x")).ToList();
        scheduler.AdvanceBy(1);

        answers.ShouldAllBe(a => a.IsCompleted);
        foreach (var answer in answers) (await answer).IsAccepted.ShouldBeTrue();
        sink.SentTexts.ShouldBe(Enumerable.Range(0, 1000).Select(i => i.ToString()));
        engine.Routes.Sum(r => r.Counters.Dropped.Total).ShouldBe(0);
    }

    /// <summary>Lets the slow target send, round after round, until it has sent <paramref name="count"/> events (bounded).</summary>
    private static void SendUntil(QueueingNode slow, MarbleScheduler scheduler, int count)
    {
        for (var round = 0; round < 100 && slow.SentCount < count; round++)
        {
            slow.SendAll();
            scheduler.AdvanceBy(1);
        }
    }

    private static async Task<(MarbleScheduler, RecordingNode, MemoryEndpoint, QueueingNode, RouteRuntime, RouteRuntime)> StartAsync(BridgeOptions ingressBridge)
    {
        var scheduler = new MarbleScheduler();
        var engine = new MediationEngine(new EngineOptions { Scheduler = scheduler });
        var web = new RecordingNode("web");
        var memory = new MemoryEndpoint("memory");
        // The target behind the broker takes two events, then waits until told to send them.
        var slow = new QueueingNode("slow", new OutboundPressure(highWater: 2, lowWater: 0));
        engine.Add(web).Add(memory).Add(slow);
        await engine.ApplyRoutesAsync([
            new RouteDefinition { Name = "ingress", Sources = [new SourceBinding("web")], Targets = ["memory"], Bridge = ingressBridge },
            new RouteDefinition { Name = "egress", Sources = [new SourceBinding("memory")], Targets = ["slow"], Bridge = Small },
        ]);
        await engine.StartAsync();
        return (scheduler, web, memory, slow, engine.FindRoute("ingress")!, engine.FindRoute("egress")!);
    }
}

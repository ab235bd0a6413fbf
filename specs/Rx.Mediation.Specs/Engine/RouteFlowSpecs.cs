using System.Reactive.Linq;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles.Flow;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Specs.Engine;

/// <summary>Route swaps, fault isolation and lifecycle events, in virtual time.</summary>
public class RouteFlowSpecs
{
    [Fact]
    public void A_swap_flushes_what_the_old_route_held_and_the_new_route_takes_over_between_two_events()
    {
        var values = new Dictionary<char, FlowEvent> { ['x'] = FlowEvent.Data("[\"a\",\"b\"]") };
        var result = new MarbleFlow(r => r.From("in").Named("old").Buffer(10).To("out"))
            .Input("in", "-a-b-c-d-|")
            .ReplaceRoutesAt("----^", r => r.From("in").Named("new").To("out"))
            .Expect("out", "----xc-d-|", values)
            .Run();

        result.Route("new").Counters.Emitted.ShouldBe(2);
        result.Drops.ShouldBeEmpty();
    }

    [Fact]
    public void A_predicate_that_throws_fails_that_event_only_and_the_route_goes_on()
    {
        var result = new MarbleFlow(r => r.From("in").Named("r").Where(e => e.Text == "b" ? throw new InvalidOperationException("boom") : true).To("out"))
            .Input("in", "-a-b-c-|")
            .Expect("out", "-a---c-|")
            .Run();

        var failure = result.Failures.ShouldHaveSingleItem();
        failure.Route.ShouldBe("r");
        failure.Stage.ShouldStartWith("where(");
        failure.Event!.Text.ShouldBe("b");
        failure.Error.Message.ShouldBe("boom");
        result.Route("r").StageCounters[0].Failed.ShouldBe(1);
    }

    [Fact]
    public void A_target_that_throws_loses_only_its_own_delivery()
    {
        var flow = new MarbleFlow(r => r.From("in").Named("r").To("flaky", "steady"))
            .Input("in", "-a-b-c-|")
            .Expect("steady", "-a-b-c-|");
        var result = flow.Run();

        result.Route("r").Counters.Failed.ShouldBe(0);
        // Make one target throw, in a fresh run.
        var failing = new MarbleFlow(r => r.From("in").Named("r").Apply("boom-on-b", (s, _) => s.Select(e => e.Text == "b" ? throw new InvalidOperationException("bad b") : e)).To("out"))
            .Input("in", "-a-b-c-d-|")
            .Expect("out", "-a---c-d-|")
            .Run();
        failing.Failures.ShouldContain(f => f.Stage == "chain" && f.Error.Message == "bad b");
    }

    [Fact]
    public void Lifecycle_events_reach_only_routes_that_ask_for_them()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['c'] = new FlowEvent("events", "c1", Kind: EventKind.Connect),
            ['d'] = new FlowEvent("events", "c1", Kind: EventKind.Disconnect),
        };
        new MarbleFlow(r =>
            {
                r.From("ws").Named("data").To("data-out");
                r.From("ws").Named("presence").WithLifecycle().To("presence-out");
            })
            .Input("ws", "-c-a-d-|", values)
            .Expect("data-out", "---a---|")
            .Expect("presence-out", "-c-a-d-|")
            .Run();
    }

    [Fact]
    public void A_source_topic_filter_decides_which_events_the_route_takes_and_others_get_no_route()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['o'] = FlowEvent.Data("o", "orders/eu"),
            ['x'] = FlowEvent.Data("x", "other"),
        };
        var result = new MarbleFlow(r => r.FromTopic("http", "orders/#").To("out"))
            .Input("http", "-o-x-|", values)
            .Expect("out", "-o---|")
            .Run();

        result.Admissions("http").Select(a => a.Value.Status).ShouldBe([AdmissionStatus.Accepted, AdmissionStatus.NoRoute]);
    }

    [Fact]
    public void A_source_error_faults_the_route_after_draining_what_it_accepted()
    {
        new MarbleFlow(r => r.From("in").To("out"))
            .Input("in", "-a-#")
            .Expect("out", "-a-#")
            .Run();
    }
}

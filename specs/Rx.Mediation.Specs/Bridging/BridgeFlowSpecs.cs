using Rx.Mediation.Bridging;
using Rx.Mediation.Marbles.Flow;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Specs.Bridging;

/// <summary>
/// A synchronous burst '(abcde)' reaches a capacity-2 bridge before its drain runs, so each overflow strategy's
/// choice of what to keep and what to drop is visible, deterministic and counted.
/// </summary>
public class BridgeFlowSpecs
{
    private const string Burst = "-(abcde)-|";

    private static MarbleFlow Flow(OverflowStrategy strategy) =>
        new(r => r.From("in").Named("r").Bridge(2, strategy, backpressureTimeout: TimeSpan.FromMilliseconds(10)).To("out"));

    [Fact]
    public void Drop_head_keeps_the_newest_and_drops_the_oldest()
    {
        var result = Flow(OverflowStrategy.DropHead)
            .Input("in", Burst)
            .Expect("out", "-(de)----|")
            .ExpectDrops("r", "-(abc)", DropReason.DropHead)
            .Run();
        result.Route("r").Counters.Dropped[DropReason.DropHead].ShouldBe(3);
    }

    [Fact]
    public void Drop_tail_replaces_the_newest_buffered_event()
    {
        Flow(OverflowStrategy.DropTail)
            .Input("in", Burst)
            .Expect("out", "-(ae)----|")
            .ExpectDrops("r", "-(bcd)", DropReason.DropTail)
            .Run();
    }

    [Fact]
    public void Drop_new_refuses_the_incoming_event_and_tells_the_source_when_to_retry()
    {
        var result = Flow(OverflowStrategy.DropNew)
            .Input("in", Burst)
            .Expect("out", "-(ab)----|")
            .ExpectDrops("r", "-(cde)", DropReason.DropNew)
            .Run();

        var admissions = result.Admissions("in").Select(a => a.Value).ToList();
        admissions.Take(2).ShouldAllBe(a => a.Status == AdmissionStatus.Accepted);
        admissions.Skip(2).ShouldAllBe(a => a.Status == AdmissionStatus.Rejected && a.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public void Drop_buffer_discards_everything_buffered_to_take_the_incoming_event()
    {
        Flow(OverflowStrategy.DropBuffer)
            .Input("in", Burst)
            .Expect("out", "-e-------|")
            .ExpectDrops("r", "-(abcd)", DropReason.DropBuffer)
            .Run();
    }

    [Fact]
    public void Fail_drains_what_was_accepted_then_faults_the_route_and_refuses_the_rest()
    {
        var result = Flow(OverflowStrategy.Fail)
            .Input("in", Burst)
            .Expect("out", "-(ab#)")
            .ExpectDrops("r", "-c", DropReason.Overflow)
            .ExpectDrops("r", "-(de)", DropReason.RouteFailed)
            .Run();

        var route = result.Route("r");
        route.State.ShouldBe(RouteState.Faulted);
        route.Fault.ShouldBeOfType<BridgeOverflowException>().Message.ShouldContain("capacity of 2");
    }

    [Fact]
    public void Backpressure_lets_sources_wait_in_line_and_loses_nothing_when_the_drain_keeps_up()
    {
        var result = new MarbleFlow(r => r.From("in").Named("r").Bridge(3, OverflowStrategy.Backpressure).To("out"))
            .Input("in", Burst)
            .Expect("out", "-(abcde)-|")
            .Run();
        result.Route("r").Counters.Dropped.Total.ShouldBe(0);
    }

    [Fact]
    public void Backpressure_waiting_line_is_bounded_too_and_its_overflow_is_counted()
    {
        // capacity 2 in the channel + 2 in line; the fifth event finds both full.
        Flow(OverflowStrategy.Backpressure)
            .Input("in", Burst)
            .Expect("out", "-(abcd)--|")
            .ExpectDrops("r", "-e", DropReason.BackpressureOverflow)
            .Run();
    }

    [Fact]
    public void Every_offered_event_is_accounted_for()
    {
        foreach (var strategy in Enum.GetValues<OverflowStrategy>())
        {
            var result = Flow(strategy).Input("in", "-(abcde)-(fg)-h-|").Run();
            var route = result.Route("r");
            var counters = route.Counters;
            (counters.Emitted + counters.Dropped.Total).ShouldBe(8, $"strategy {strategy}");
            counters.Offered.ShouldBe(8, $"strategy {strategy}");
        }
    }
}

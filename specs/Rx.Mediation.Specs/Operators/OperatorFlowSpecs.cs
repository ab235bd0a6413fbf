using Rx.Mediation.Marbles.Flow;
using Rx.Mediation.Operators.Json;

namespace Rx.Mediation.Specs.Operators;

/// <summary>Every catalog operator, run through the real engine in virtual time.</summary>
public class OperatorFlowSpecs
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Where_keeps_matching_events_and_counts_the_rest_as_filtered()
    {
        var result = new MarbleFlow(r => r.From("in").Named("r").Where(e => e.Text != "b").To("out"))
            .Input("in", "-a-b-c-|")
            .Expect("out", "-a---c-|")
            .Run();

        result.Route("r").Filtered.ShouldBe(1);
        result.Route("r").Counters.Emitted.ShouldBe(2);
    }

    [Fact]
    public void Where_on_headers_reads_like_the_rule_it_implements()
    {
        var order = FlowEvent.Data("o1", headers: ("type", "order"));
        var ping = FlowEvent.Data("p1", headers: ("type", "ping"));
        new MarbleFlow(r => r.From("orders-ws").Where(e => e.Header("type") == "order").To("orders"))
            .Input("orders-ws", "-o-p-o-|", new Dictionary<char, FlowEvent> { ['o'] = order, ['p'] = ping })
            .Expect("orders", "-o---o-|")
            .Run();
    }

    [Fact]
    public void Throttle_is_a_debounce_emitting_the_last_event_of_each_quiet_period()
    {
        var result = new MarbleFlow(r => r.From("in").Named("r").Throttle(3 * Ms).To("out"))
            .Input("in", "-ab----c---d-|")
            .Expect("out", "-----b----c--(d|)")
            .Run();

        result.Route("r").Filtered.ShouldBe(1); // 'a' was replaced by 'b' before it could go out
    }

    [Fact]
    public void Sample_emits_the_newest_event_at_each_tick()
    {
        new MarbleFlow(r => r.From("in").Sample(4 * Ms).To("out"))
            .Input("in", "-ab---c-----d--|")
            .Expect("out", "----b---c-------(d|)")
            .Run();
    }

    [Fact]
    public void Buffer_by_count_makes_one_json_array_event_per_batch_and_flushes_the_rest_on_completion()
    {
        var batch = new Dictionary<char, FlowEvent>
        {
            ['x'] = FlowEvent.Data("[\"a\",\"b\"]", headers: ("batch-size", "2")),
            ['y'] = FlowEvent.Data("[\"c\"]", headers: ("batch-size", "1")),
        };
        new MarbleFlow(r => r.From("in").Buffer(2).To("out"))
            .Input("in", "-a-b-c-|")
            .Expect("out", "---x---(y|)", batch)
            .Run();
    }

    [Fact]
    public void Buffer_by_time_closes_each_window_on_the_route_scheduler_and_skips_empty_windows()
    {
        var batch = new Dictionary<char, FlowEvent>
        {
            ['x'] = FlowEvent.Data("[\"a\",\"b\"]"),
            ['y'] = FlowEvent.Data("[\"c\"]"),
        };
        new MarbleFlow(r => r.From("in").Buffer(5 * Ms).To("out"))
            .Input("in", "-ab--------c--|")
            .Expect("out", "-----x--------(y|)", batch)
            .Run();
    }

    [Fact]
    public void Buffer_by_time_or_count_closes_on_whichever_comes_first_and_a_count_close_restarts_the_window()
    {
        var batch = new Dictionary<char, FlowEvent>
        {
            ['x'] = FlowEvent.Data("[\"a\",\"b\",\"c\"]"),
            ['y'] = FlowEvent.Data("[\"d\"]"),
        };
        new MarbleFlow(r => r.From("in").Buffer(10 * Ms, 3).To("out"))
            .Input("in", "-abc--d-----------|")
            // 'abc' fills the batch at 3 ms; the next window runs 3 ms → 13 ms (Rx restarts it), so 'd' goes out at 13 ms.
            .Expect("out", "---x---------y----|", batch)
            .Run();
    }

    [Fact]
    public void Buffer_keeps_the_originals_so_a_target_can_send_them_as_one_batch()
    {
        var result = new MarbleFlow(r => r.From("in").Buffer(3).To("out"))
            .Input("in", "-abc-|")
            .Run();

        result.Route("in->out").Counters.Emitted.ShouldBe(3); // weights: one batch of three
    }

    [Fact]
    public void Merge_brings_a_second_source_into_the_route_after_the_filter()
    {
        new MarbleFlow(r => r.From("a-src").Where(e => e.Text != "b").Merge("x-src").To("out"))
            .Input("a-src", "-a-b-c-|")
            .Input("x-src", "--x-y----|")
            .Expect("out", "-ax-yc---|")
            .Run();
    }

    [Fact]
    public void Fan_in_from_two_sources_and_fan_out_to_two_targets()
    {
        new MarbleFlow(r => r.From("kafka-main", "mqtt-iot").To("sse-feed", "archive"))
            .Input("kafka-main", "-a---c-|")
            .Input("mqtt-iot", "---b-----|")
            .Expect("sse-feed", "-a-b-c---|")
            .Expect("archive", "-a-b-c---|")
            .Run();
    }

    [Fact]
    public void Delay_shifts_events_on_virtual_time()
    {
        new MarbleFlow(r => r.From("in").Delay(3 * Ms).To("out"))
            .Input("in", "-a-b|")
            .Expect("out", "----a-b|")
            .Run();
    }

    [Fact]
    public void DistinctUntilChanged_drops_repeats_by_key()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['a'] = FlowEvent.Data("1", headers: ("sensor", "s1")),
            ['b'] = FlowEvent.Data("2", headers: ("sensor", "s1")),
            ['c'] = FlowEvent.Data("3", headers: ("sensor", "s2")),
        };
        new MarbleFlow(r => r.From("in").DistinctUntilChanged(e => e.Header("sensor")).To("out"))
            .Input("in", "-a-b-c-|", values)
            .Expect("out", "-a---c-|")
            .Run();
    }

    [Fact]
    public void DistinctUntilChanged_without_key_compares_payloads()
    {
        new MarbleFlow(r => r.From("in").DistinctUntilChanged().To("out"))
            .Input("in", "-aab-a|")
            .Expect("out", "-a-b-a|")
            .Run();
    }

    [Fact]
    public void Skip_then_Take_completes_the_route_after_enough_events()
    {
        var result = new MarbleFlow(r => r.From("in").Named("r").Skip(1).Take(2).To("out"))
            .Input("in", "-a-b-c-d-|")
            .Expect("out", "---b-(c|)")
            .Run();

        result.Route("r").State.ShouldBe(Rx.Mediation.Routing.RouteState.Completed);
    }

    [Fact]
    public void Select_transforms_payload_and_headers()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['a'] = FlowEvent.Data("a"),
            ['A'] = FlowEvent.Data("A", "upper", ("via", "rx")),
        };
        new MarbleFlow(r => r.From("in").SelectText(t => t.ToUpperInvariant()).SetHeader("via", "rx").SetTopic("upper").To("out"))
            .Input("in", "-a|", values)
            .Expect("out", "-A|")
            .Run();
    }

    [Fact]
    public void SelectJson_projects_a_field_and_fails_only_the_events_that_lack_it()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['a'] = FlowEvent.Data("{\"order\":{\"amount\":150}}"),
            ['b'] = FlowEvent.Data("not json"),
            ['c'] = FlowEvent.Data("{\"order\":{}}"),
            ['d'] = FlowEvent.Data("{\"order\":{\"amount\":7}}"),
            ['x'] = FlowEvent.Data("150"),
            ['y'] = FlowEvent.Data("7"),
        };
        var result = new MarbleFlow(r => r.From("in").Named("r").SelectJson("order.amount").To("out"))
            .Input("in", "-abcd|", values)
            .Expect("out", "-x--y|")
            .Run();

        result.Route("r").StageCounters[0].Failed.ShouldBe(2);
        result.Failures.Count.ShouldBe(2);
        result.Failures[0].Error.Message.ShouldContain("not JSON");
        result.Failures[1].Error.Message.ShouldContain("order.amount");
    }

    [Fact]
    public void ProjectJson_builds_an_object_of_named_fields()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['a'] = FlowEvent.Data("{\"id\":\"o1\",\"order\":{\"amount\":150},\"noise\":true}"),
            ['p'] = FlowEvent.Data("{\"id\":\"o1\",\"amount\":150,\"missing\":null}"),
        };
        new MarbleFlow(r => r.From("in").ProjectJson("id", "order.amount", "missing").To("out"))
            .Input("in", "-a|", values)
            .Expect("out", "-p|")
            .Run();
    }

    [Fact]
    public void Json_helper_reads_payload_fields_in_predicates()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['a'] = FlowEvent.Data("{\"amount\":150}"),
            ['b'] = FlowEvent.Data("{\"amount\":50}"),
        };
        new MarbleFlow(r => r.From("in").Where(e => e.Json("amount")?.GetInt32() > 100).To("out"))
            .Input("in", "-ab|", values)
            .Expect("out", "-a-|")
            .Run();
    }

    [Fact]
    public void A_route_description_reads_as_the_rule_was_written()
    {
        var table = new Rx.Mediation.Operators.Fluent.RouteTable();
        var route = table.From("orders-ws").Where(e => e.Header("type") == "order").Throttle(TimeSpan.FromMilliseconds(200)).To("orders");

        route.ToString().ShouldBe("orders-ws->orders: orders-ws → where(e => e.Header(\"type\") == \"order\") → throttle(200ms) → orders");
    }
}

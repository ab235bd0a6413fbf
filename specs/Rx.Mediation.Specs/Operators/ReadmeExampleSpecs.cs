using Rx.Mediation.Bridging;
using Rx.Mediation.Marbles.Flow;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Operators.Json;

namespace Rx.Mediation.Specs.Operators;

/// <summary>The examples README.md shows, kept true by running them.</summary>
public class ReadmeExampleSpecs
{
    [Fact]
    public void Orders_are_filtered_and_debounced()
    {
        var order = FlowEvent.Data("o", headers: ("type", "order"));
        var ping = FlowEvent.Data("p", headers: ("type", "ping"));

        new MarbleFlow(r => r.From("orders-ws").Where(e => e.Header("type") == "order").Throttle(TimeSpan.FromMilliseconds(3)).To("orders"))
            .Input("orders-ws", "-o-o-p-o-----|", new Dictionary<char, FlowEvent> { ['o'] = order, ['p'] = ping })
            .Expect("orders",   "------o---o--|")
            .Run();
    }

    [Fact]
    public void The_fluent_examples_build_valid_routes()
    {
        var routes = new RouteTable();
        routes.From("orders-ws").Where(e => e.Header("type") == "order").Throttle(TimeSpan.FromMilliseconds(200)).To("orders");
        routes.From("kafka-main", "mqtt-iot").Buffer(TimeSpan.FromSeconds(1), 100).To("sse-feed");
        routes.FromTopic("http", "sensors/#").Named("hot-sensors")
              .Where(e => e.Json("celsius")?.GetDouble() > 30)
              .ProjectJson("id", "celsius")
              .Bridge(10_000, OverflowStrategy.DropHead)
              .To("alerts", "archive");

        routes.Select(r => r.Name).ShouldBe(["orders-ws->orders", "kafka-main+mqtt-iot->sse-feed", "hot-sensors"]);
    }

    [Fact]
    public void The_hot_sensor_rule_filters_and_projects()
    {
        var values = new Dictionary<char, FlowEvent>
        {
            ['h'] = FlowEvent.Data("{\"id\":\"s1\",\"celsius\":31.5,\"raw\":1}", "sensors/s1"),
            ['c'] = FlowEvent.Data("{\"id\":\"s2\",\"celsius\":12}", "sensors/s2"),
            ['x'] = FlowEvent.Data("{\"id\":\"s1\",\"celsius\":31.5}", "sensors/s1"),
        };
        new MarbleFlow(r => r.FromTopic("http", "sensors/#").Where(e => e.Json("celsius")?.GetDouble() > 30).ProjectJson("id", "celsius").To("alerts", "archive"))
            .Input("http", "-hc|", values)
            .Expect("alerts", "-x-|")
            .Expect("archive", "-x-|")
            .Run();
    }
}

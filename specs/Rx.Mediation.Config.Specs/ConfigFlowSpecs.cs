using Rx.Mediation.Marbles.Flow;
using Rx.Mediation.Operators.Fluent;

namespace Rx.Mediation.Config.Specs;

/// <summary>Config-declared routes run in the marble flow harness in virtual time, exactly like code routes.</summary>
public sealed class ConfigFlowSpecs
{
    private static readonly FlowEvent Order = FlowEvent.Data("o", headers: ("type", "order"));
    private static readonly FlowEvent Ping = FlowEvent.Data("p", headers: ("type", "ping"));

    [Fact]
    public void A_config_where_and_throttle_filter_and_debounce_like_the_code_route()
    {
        const string yaml = """
            routes:
              - name: orders
                from: orders-ws
                pipeline:
                  - where: "headers.type == 'order'"
                  - throttle: 3ms
                to: orders
            """;
        var values = new Dictionary<char, FlowEvent> { ['o'] = Order, ['p'] = Ping };

        ConfigFlow.FromYaml(yaml)
            .Input("orders-ws", "-o-o-p-o-----|", values)
            .Expect("orders", "------o---o--|")
            .Run();

        // The same route written as a fluent rule gives the same diagram.
        new MarbleFlow(r => r.From("orders-ws").Where(e => e.Header("type") == "order").Throttle(TimeSpan.FromMilliseconds(3)).To("orders"))
            .Input("orders-ws", "-o-o-p-o-----|", values)
            .Expect("orders", "------o---o--|")
            .Run();
    }

    [Fact]
    public void A_config_buffer_by_time_or_count_closes_on_whichever_comes_first()
    {
        const string yaml = """
            routes:
              - name: batches
                from: in
                pipeline:
                  - buffer: { time: 10ms, count: 3 }
                to: out
            """;
        var batches = new Dictionary<char, FlowEvent>
        {
            ['A'] = FlowEvent.Data("[\"a\",\"b\",\"c\"]"),
            ['D'] = FlowEvent.Data("[\"d\"]"),
        };

        // a, b, c fill a batch at 2 ms (count); d waits for its window, which restarted at 2 ms and closes at 12 ms.
        ConfigFlow.FromYaml(yaml)
            .Input("in", "abcd 20ms |")
            .Expect("out", "--A 9ms D 11ms |", batches)
            .Run();
    }

    [Fact]
    public void A_config_throttle_then_buffer_runs_in_virtual_time()
    {
        const string yaml = """
            routes:
              - name: r
                from: in
                pipeline:
                  - throttle: 5ms
                  - buffer: 20ms
                to: out
            """;
        var result = ConfigFlow.FromYaml(yaml)
            .Input("in", "ab 25ms c 30ms |")
            .Expect("out", "20ms X 19ms Y 17ms |", new Dictionary<char, FlowEvent> { ['X'] = FlowEvent.Data("[\"b\"]"), ['Y'] = FlowEvent.Data("[\"c\"]") })
            .Run();

        result.Route("r").Counters.Emitted.ShouldBe(2);
        result.Route("r").Filtered.ShouldBe(1);
    }

    [Fact]
    public void Config_routes_and_code_routes_run_side_by_side_in_one_engine()
    {
        var config = Rx.Mediation.Operators.Configuration.RouteConfigFile.Parse("""
            routes:
              - name: from-config
                from: in
                pipeline: [ { where: "text != 'b'" } ]
                to: config-out
            """);

        new MarbleFlow(table =>
            {
                ConfigFlow.Routes(config)(table);
                table.From("in").Named("from-code").Where(e => e.Text != "a").To("code-out");
            })
            .Input("in", "-a-b-|")
            .Expect("config-out", "-a---|")
            .Expect("code-out", "---b-|")
            .Run();
    }

    [Fact]
    public void The_shipped_example_tests_pass()
    {
        var file = RouteTestFile.Load("config.example.tests.yaml");

        file.Errors.ShouldBeEmpty();
        file.Tests.Count.ShouldBeGreaterThanOrEqualTo(3);
        var failures = file.Run().Where(r => !r.Passed).Select(r => r.Test.Name + ": " + r.Failure).ToList();
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void A_failing_yaml_test_reports_a_marble_diff()
    {
        var dir = Directory.CreateTempSubdirectory("rx-config-");
        File.WriteAllText(Path.Combine(dir.FullName, "c.yaml"), "routes:\n  - name: r\n    from: in\n    pipeline: [ { skip: 1 } ]\n    to: out\n");
        File.WriteAllText(Path.Combine(dir.FullName, "c.tests.yaml"), "tests:\n  - name: wrong\n    route: r\n    inputs: { in: '-a-b-|' }\n    expect: { out: '-a-b-|' }\n");

        var file = RouteTestFile.Load(Path.Combine(dir.FullName, "c.tests.yaml"));
        var result = file.Run().Single();

        result.Passed.ShouldBeFalse();
        result.Failure!.ShouldContain("expected: -a-b-|");
        result.Failure!.ShouldContain("actual:   ---b-|");
    }

    [Fact]
    public void A_test_naming_an_unknown_route_is_an_error_at_its_line()
    {
        var dir = Directory.CreateTempSubdirectory("rx-config-");
        File.WriteAllText(Path.Combine(dir.FullName, "c.yaml"), "routes:\n  - name: r\n    from: in\n    to: out\n");
        File.WriteAllText(Path.Combine(dir.FullName, "c.tests.yaml"), "tests:\n  - name: t\n    route: nope\n    inputs: { in: 'a|' }\n    expect: { out: 'a|' }\n");

        var error = RouteTestFile.Load(Path.Combine(dir.FullName, "c.tests.yaml")).Errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((3, 12));
        error.Message.ShouldContain("no route named 'nope'");
    }

    [Theory]
    [InlineData("    inputs: { inn: 'a|' }\n    expect: { out: 'a|' }\n", 4, 15, "test 't': inputs names 'inn', which is not a source of route 'r' (sources: in)")]
    [InlineData("    inputs: { in: 'a|' }\n    expect: { otu: 'a|' }\n", 5, 15, "test 't': expect names 'otu', which is not a target of route 'r' (targets: out)")]
    public void A_test_naming_a_node_its_route_does_not_have_is_an_error_at_that_name(string diagrams, int line, int column, string message)
    {
        var dir = Directory.CreateTempSubdirectory("rx-config-");
        File.WriteAllText(Path.Combine(dir.FullName, "c.yaml"), "routes:\n  - name: r\n    from: in\n    to: out\n");
        File.WriteAllText(Path.Combine(dir.FullName, "c.tests.yaml"), "tests:\n  - name: t\n    route: r\n" + diagrams);

        var error = RouteTestFile.Load(Path.Combine(dir.FullName, "c.tests.yaml")).Errors.ShouldHaveSingleItem();

        (error.Location.Line, error.Location.Column).ShouldBe((line, column));
        error.Message.ShouldBe(message);
    }
}

using Rx.Mediation.Bridging;
using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Config.Specs;

public sealed class RouteConfigSpecs
{
    private const string Example = """
        routes:
          - name: big-orders
            from: [orders-ws, webhook]
            pipeline:
              - where: "headers.type == 'order' && json.amount > 100"
              - throttle: 200ms
              - buffer: { time: 1s, count: 100 }
            to: [orders-kafka]
            bridge: { capacity: 10000, full: drop-oldest }
        """;

    [Fact]
    public void The_issue_example_becomes_a_route_definition()
    {
        var file = RouteConfigFile.Parse(Example).ThrowIfInvalid();

        var route = file.Route("big-orders").Definition;
        route.Sources.Select(s => s.Node).ShouldBe(["orders-ws", "webhook"]);
        route.Stages.Select(s => s.Description).ShouldBe(["where(headers.type == 'order' && json.amount > 100)", "throttle(200ms)", "buffer(1s or 100)"]);
        route.Targets.ShouldBe(["orders-kafka"]);
        route.Bridge.Capacity.ShouldBe(10_000);
        route.Bridge.Overflow.ShouldBe(OverflowStrategy.DropHead);
        route.Fingerprint.ShouldNotBeNull();
    }

    [Fact]
    public void Every_catalog_operator_has_a_yaml_form()
    {
        var file = RouteConfigFile.Parse("""
            routes:
              - name: all
                from: a
                pipeline:
                  - where: "json.n > 1"
                  - select: "json.order"
                  - map: "json.order.id"
                  - set-topic: "'orders/' + headers.region"
                  - set-header: { source: "'web'", size: "string(length(text))" }
                  - remove-header: [x-debug, x-trace]
                  - select-json: order.id
                  - project-json: [id, order.amount]
                  - buffer: 10
                  - buffer: 2s
                  - throttle: 200ms
                  - sample: 1s
                  - delay: 50ms
                  - distinct:
                  - distinct: json.id
                  - take: 5
                  - skip: 1
                  - merge: ["b[orders/#]", c]
                to: out
            """);

        file.Errors.ShouldBeEmpty();
        file.Route("all").Definition.Stages.Select(s => s.Name).ShouldBe([
            "where", "select", "select", "set-topic", "set-header", "set-header", "remove-header", "remove-header", "select-json",
            "project-json", "buffer", "buffer", "throttle", "sample", "delay", "distinct", "distinct", "take", "skip", "merge"]);
        file.Route("all").Nodes.Select(n => n.Name).ShouldBe(["a", "b", "c", "out"]);
    }

    [Fact]
    public void The_fingerprint_ignores_layout_quotes_and_comments_but_not_meaning()
    {
        var a = RouteConfigFile.Parse("routes:\n  - name: r\n    from: a\n    to: b\n    pipeline: [ { take: 3 } ]\n").Route("r").Definition.Fingerprint;
        var b = RouteConfigFile.Parse("routes:\n  # a comment\n  - to: 'b'\n    name: \"r\"\n    pipeline:\n      - take: 3\n    from: a\n").Route("r").Definition.Fingerprint;
        var c = RouteConfigFile.Parse("routes:\n  - name: r\n    from: a\n    to: b\n    pipeline: [ { take: 4 } ]\n").Route("r").Definition.Fingerprint;

        b.ShouldBe(a);
        c.ShouldNotBe(a);
    }

    [Fact]
    public void A_yaml_syntax_error_points_at_its_line_and_column()
    {
        var error = Single("routes:\n  - name: r\n    from: [a\n    to: b\n");
        error.Location.Line.ShouldBeGreaterThanOrEqualTo(3);
        error.Location.File.ShouldBe("config.yaml");
    }

    [Fact]
    public void An_unknown_key_is_an_error_at_its_line_naming_the_allowed_keys()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    to: b\n    form: c\n");
        At(error, 5, 5);
        error.Message.ShouldContain("unknown key 'form'");
        error.Message.ShouldContain("route 'r'");
        error.Message.ShouldContain("name, from, pipeline, to, bridge, lifecycle");
    }

    [Fact]
    public void An_unknown_top_level_key_is_an_error()
    {
        var error = Single("route:\n  - name: r\n");
        At(error, 1, 1);
        error.Message.ShouldContain("unknown key 'route'");
    }

    [Fact]
    public void An_unknown_bridge_key_is_an_error()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    to: b\n    bridge: { capacity: 5, ful: fail }\n");
        At(error, 5, 28);
        error.Message.ShouldContain("unknown key 'ful'");
    }

    [Fact]
    public void An_unknown_operator_is_an_error_listing_the_catalog()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    pipeline:\n      - filter: \"json.a > 1\"\n    to: b\n");
        At(error, 5, 9);
        error.Message.ShouldContain("unknown operator 'filter'");
        error.Message.ShouldContain("where, select");
    }

    [Theory]
    [InlineData("      - throttle: fast\n", "must be a duration")]
    [InlineData("      - take: many\n", "must be a whole number")]
    [InlineData("      - take: -1\n", "must be at least 0")]
    [InlineData("      - buffer: [1, 2]\n", "must be a single value")]
    [InlineData("      - buffer: { time: soon }\n", "must be a duration")]
    [InlineData("      - sample: 0ms\n", "longer than zero")]
    [InlineData("      - where: [a, b]\n", "must be a single value")]
    [InlineData("      - set-header: x\n", "mapping of header names")]
    [InlineData("      - throttle:\n", "needs an argument")]
    [InlineData("      - { take: 1, skip: 1 }\n", "one 'operator: argument' pair")]
    public void An_operator_argument_of_the_wrong_type_is_an_error_at_its_line(string step, string message)
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    pipeline:\n" + step + "    to: b\n");
        error.Location.Line.ShouldBe(5);
        error.Message.ShouldContain(message);
        error.Message.ShouldContain("route 'r'");
    }

    [Theory]
    [InlineData("    bridge: { capacity: -5 }\n", 5, 25, "must be at least 1, got -5")]
    [InlineData("    bridge: { capacity: 0 }\n", 5, 25, "must be at least 1, got 0")]
    [InlineData("    bridge: { capacity: lots }\n", 5, 25, "must be a whole number")]
    [InlineData("    bridge: { full: sometimes }\n", 5, 21, "unknown mode 'sometimes'")]
    [InlineData("    bridge: { max-bytes: 32MB }\n", 5, 26, "'max-bytes' must be a size in bytes such as 1048576, 512KiB, 32MiB or 1GiB, got '32MB'")]
    [InlineData("    bridge: { max-bytes: 0 }\n", 5, 26, "'max-bytes' must be at least 1 bytes, got 0")]
    [InlineData("    bridge: { max-bytes: -1 }\n", 5, 26, "must be a size in bytes")]
    [InlineData("    bridge: 100\n", 5, 13, "must be a mapping")]
    [InlineData("    lifecycle: maybe\n", 5, 16, "true or false")]
    public void A_bad_bridge_or_flag_is_an_error_at_its_value(string line, int row, int column, string message)
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    to: b\n" + line);
        At(error, row, column);
        error.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("1048576", 1_048_576L)]
    [InlineData("512KiB", 524_288L)]
    [InlineData("32MiB", 33_554_432L)]
    [InlineData("32 mib", 33_554_432L)]
    [InlineData("1GiB", 1_073_741_824L)]
    [InlineData("100B", 100L)]
    public void A_bridge_takes_its_byte_budget_in_bytes_or_binary_units(string written, long bytes)
    {
        var file = RouteConfigFile.Parse($"routes:\n  - name: r\n    from: a\n    to: b\n    bridge: {{ capacity: 8, max-bytes: {written} }}\n").ThrowIfInvalid();

        file.Route("r").Definition.Bridge.MaxBytes.ShouldBe(bytes);
        file.Route("r").Definition.Bridge.Capacity.ShouldBe(8);
    }

    [Fact]
    public void A_bridge_without_max_bytes_keeps_the_default_budget() =>
        RouteConfigFile.Parse("routes:\n  - name: r\n    from: a\n    to: b\n    bridge: { capacity: 8 }\n").ThrowIfInvalid()
            .Route("r").Definition.Bridge.MaxBytes.ShouldBe(BridgeOptions.DefaultMaxBytes);

    [Theory]
    [InlineData("32MB")]
    [InlineData("1.5MiB")]
    [InlineData("99999999999GiB")]
    [InlineData("")]
    public void Sizes_that_are_not_whole_binary_units_are_refused(string text) =>
        ConfigByteSize.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Missing_from_and_to_are_errors()
    {
        var file = RouteConfigFile.Parse("routes:\n  - name: r\n");
        file.Errors.Select(e => e.Message).ShouldContain(m => m.Contains("'from' is required"));
        file.Errors.Select(e => e.Message).ShouldContain(m => m.Contains("'to' is required"));
    }

    [Fact]
    public void A_duplicate_route_name_is_an_error_at_the_second_route()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    to: b\n  - name: r\n    from: a\n    to: c\n");
        At(error, 5, 5);
        error.Message.ShouldContain("duplicate route name");
        error.Message.ShouldContain("2:5");
    }

    [Fact]
    public void A_duplicate_key_is_an_error()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    from: b\n    to: c\n");
        error.Location.Line.ShouldBe(4);
        error.Message.ShouldContain("Duplicate key", Case.Insensitive);
    }

    [Theory]
    [InlineData("routes:\n  - name: r\n    from: [a, b\n    to: c\n", 3, 11, "this '[' is never closed")]
    [InlineData("routes: [\n", 1, 9, "this '[' is never closed")]
    [InlineData("routes:\n  - name: r\n    from: {a: 1\n", 3, 11, "this '{' is never closed")]
    public void An_unclosed_bracket_is_an_error_at_the_bracket_in_plain_words(string yaml, int line, int column, string message)
    {
        var error = Single(yaml);
        At(error, line, column);
        error.Message.ShouldStartWith(message);
        error.Message.ShouldNotContain("Operation is not valid");
    }

    [Theory]
    [InlineData("routes:\n  - name: r\n\tfrom: a\n    to: c\n", 3)]
    [InlineData("routes:\n  - name: r\n    from: a\n\t  to: c\n", 4)]
    public void A_tab_in_the_indentation_is_an_error_at_the_tabs_own_line(string yaml, int line)
    {
        var error = Single(yaml);
        At(error, line, 1);
        error.Message.ShouldBe("a tab indents this line: YAML indents with spaces only");
    }

    [Fact]
    public void An_expression_error_gives_route_expression_and_the_position_of_the_problem()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    pipeline:\n      - where: \"(json.amount > 1\"\n    to: b\n");
        // The value starts at column 16 after its quote; the expression's problem is at its column 17.
        At(error, 5, 16 + 17);
        error.Message.ShouldContain("route 'r': where:");
        error.Message.ShouldContain("(json.amount > 1");
        error.Message.ShouldContain("column 17");
    }

    [Fact]
    public void An_unknown_name_in_an_expression_is_an_error()
    {
        var error = Single("routes:\n  - name: r\n    from: a\n    pipeline:\n      - where: bogus == 1\n    to: b\n");
        At(error, 5, 16);
        error.Message.ShouldContain("unknown name 'bogus'");
    }

    [Fact]
    public void Unknown_sources_and_targets_are_errors_at_the_name_when_the_nodes_are_known()
    {
        var file = RouteConfigFile.Parse("routes:\n  - name: r\n    from: [http, nope]\n    to: [memory, gone]\n", knownNodes: ["http", "memory"]);

        file.Errors.Count.ShouldBe(2);
        At(file.Errors[0], 3, 18);
        file.Errors[0].Message.ShouldContain("unknown source 'nope'");
        file.Errors[0].Message.ShouldContain("http, memory");
        At(file.Errors[1], 4, 18);
        file.Errors[1].Message.ShouldContain("unknown target 'gone'");
    }

    [Fact]
    public void A_bad_topic_filter_is_an_error()
    {
        var error = Single("routes:\n  - name: r\n    from: 'a[orders/#/x]'\n    to: b\n");
        error.Location.Line.ShouldBe(3);
        error.Message.ShouldContain("a[orders/#/x]");
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_in_one_pass_in_line_order()
    {
        var file = RouteConfigFile.Parse("routes:\n  - name: r\n    from: a\n    to: b\n    bridge: { capacity: -1 }\n    pipeline:\n      - nope: 1\n      - take: x\n");
        file.Errors.Select(e => e.Location.Line).ShouldBe([5, 7, 8]);
        Should.Throw<ConfigException>(() => file.ThrowIfInvalid()).Message.ShouldContain("config.yaml:7:9");
    }

    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("00:00:03", 3000)]
    public void Durations_take_units(string text, int milliseconds)
    {
        ConfigDuration.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("200")]
    [InlineData("-1s")]
    [InlineData("soon")]
    public void Durations_without_a_unit_are_refused(string text) => ConfigDuration.TryParse(text, out _).ShouldBeFalse();

    private static ConfigError Single(string yaml)
    {
        var file = RouteConfigFile.Parse(yaml);
        file.Errors.Count.ShouldBe(1, string.Join(Environment.NewLine, file.Errors));
        return file.Errors[0];
    }

    private static void At(ConfigError error, int line, int column) =>
        (error.Location.Line, error.Location.Column).ShouldBe((line, column), error.ToString());
}

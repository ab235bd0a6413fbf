using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Server;

namespace Rx.Mediation.Config.Specs;

public sealed class ServerConfigSpecs
{
    private static readonly IReadOnlyCollection<string> Types = ServerConfigErrors.Types;

    private const string Base = """
        entrypoints:
          webhook: { type: http, path: /events }
          feed: { type: sse, path: /sse }
        endpoints:
          broker: { type: memory }
        routes:
          - name: in
            from: webhook
            to: broker

        """;

    [Fact]
    public void The_shipped_example_is_valid()
    {
        var (config, errors) = ServerConfigReader.Load("config.example.yaml", Types);

        errors.ShouldBeEmpty();
        config!.Routes.Select(r => r.Name).ShouldBe(["ingress", "egress", "big-orders"]);
        config.Entrypoints.Select(e => e.Type).ShouldBe(["http", "websocket", "sse", "poll"]);
        config.Endpoints.Select(e => e.Name).ShouldBe(["broker", "orders"]);
        config.Endpoints[1].Settings["Mediation:Endpoints:orders:Subscriptions"].ShouldBe("orders/#");
    }

    [Theory]
    [InlineData("entrypoints:\n  w: { type: gopher, path: /g }\nroutes: []\n", 2, 14, "unknown type 'gopher'")]
    [InlineData("entrypoints:\n  w: { type: http, paht: /g }\nroutes: []\n", 2, 20, "unknown key 'paht'")]
    [InlineData("entrypoints:\n  w: { type: http, port: eighty }\nroutes: []\n", 2, 26, "'port' must be")]
    [InlineData("entrypoints:\n  w: { type: http, path: nope }\nroutes: []\n", 2, 26, "entrypoint 'w': 'path' must start with '/'")]
    [InlineData("entrypoints:\n  w: { type: sse, heartbeat-interval: often }\nroutes: []\n", 2, 39, "duration")]
    [InlineData("endpoints:\n  e: { type: carrier-pigeon }\nroutes: []\n", 2, 14, "unknown type 'carrier-pigeon'")]
    [InlineData("endpoints:\n  e: { path: /x }\nroutes: []\n", 2, 6, "'type' is required")]
    [InlineData("endpoints:\n  e: memory\nroutes: []\n", 2, 6, "must be a mapping")]
    [InlineData("server:\n  url: ftp://x\nroutes: []\n", 2, 8, "absolute http://")]
    [InlineData("server:\n  port: 80\nroutes: []\n", 2, 3, "unknown key 'port'")]
    [InlineData("entrypoints:\n  x: { type: http, path: /a }\nendpoints:\n  x: { type: memory }\nroutes: []\n", 2, 3, "both an entrypoint and an endpoint")]
    [InlineData("entrypoints:\n  a: { type: http, path: /a }\n  b: { type: sse, path: /a }\nroutes: []\n", 3, 3, "share the path")]
    [InlineData("entrypoints: {}\n", 1, 1, "'routes' is required")]
    public void Server_sections_are_validated_with_positions(string yaml, int line, int column, string message) =>
        ServerConfigErrors.ShouldRefuseAt(yaml, line, column, message);

    [Fact]
    public void A_route_naming_an_undeclared_endpoint_is_an_error_at_the_name()
    {
        var (_, errors) = ServerConfigReader.Parse(Base + "  - name: out\n    from: broker\n    to: [feed, kafka-orders]\n", "c.yaml", Types);

        var error = errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((12, 16));
        error.Message.ShouldContain("unknown target 'kafka-orders'");
        error.Message.ShouldContain("broker, feed, webhook");
    }

    [Fact]
    public void Nodes_added_in_code_may_be_named_by_file_routes()
    {
        var (config, errors) = ServerConfigReader.Parse(Base + "  - name: out\n    from: broker\n    to: recorder\n", "c.yaml", Types, ["recorder"]);

        errors.ShouldBeEmpty();
        config!.Routes.Count.ShouldBe(2);
    }

    [Fact]
    public void A_file_node_named_like_a_code_node_is_an_error()
    {
        var (_, errors) = ServerConfigReader.Parse(Base, "c.yaml", Types, ["broker"]);

        var error = errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((5, 3));
        error.Message.ShouldContain("node added in code");
    }

    [Fact]
    public void Endpoint_settings_reach_the_provider_as_a_configuration_section()
    {
        var (config, _) = ServerConfigReader.Parse(Base.Replace("broker: { type: memory }", "broker: { type: memory, subscriptions: 'a/#, b' }"), "c.yaml", Types);

        var section = config!.Endpoints.Single().ToConfiguration().GetSection("Mediation:Endpoints:broker");
        section["Type"].ShouldBe("memory");
        section["Subscriptions"].ShouldBe("a/#, b");
    }

    [Fact]
    public void A_provider_refusing_a_setting_is_an_error_at_its_value_in_the_files_words()
    {
        var (config, _) = ServerConfigReader.Parse(Base.Replace("broker: { type: memory }", "broker: { type: memory, subscriptions: 'a/#/b' }"), "c.yaml", Types);

        var ex = Should.Throw<ConfigException>(() =>
            ConfigRuntime.CreateEndpoints(Composition.Catalog(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, config!.Endpoints));
        var error = ex.Errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((5, 42));
        error.Message.ShouldStartWith("endpoint 'broker': 'subscriptions' ");
    }
}

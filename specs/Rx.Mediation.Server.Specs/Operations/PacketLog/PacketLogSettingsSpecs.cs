using Microsoft.Extensions.Configuration;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Operations.PacketLog;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>Settings from the YAML file's <c>server: packet-log:</c> and from <c>Mediation:PacketLog</c>.</summary>
public sealed class PacketLogSettingsSpecs
{
    private static readonly string[] Types = ["memory"];

    [Fact]
    public void The_yaml_section_is_read_with_its_route_overrides()
    {
        var (config, errors) = ServerConfigReader.Parse("""
            server:
              packet-log:
                level: errors
                sample: 1/50
                capacity: 500
                report-interval: 30s
                routes:
                  ingress: { level: flow, sample: 1 }
                  egress: { level: off }
            routes: []
            """, "c.yaml", Types);

        errors.ShouldBeEmpty();
        var options = config!.Server.PacketLog.ShouldNotBeNull();
        (options.Level, options.Sample, options.Capacity, options.ReportInterval).ShouldBe((PacketLogLevel.Errors, "1/50", 500, TimeSpan.FromSeconds(30)));
        var settings = PacketLogSettings.From(options);
        settings.For("ingress").ToString().ShouldBe("flow, sample 1");
        settings.For("egress").Level.ShouldBe(PacketLogLevel.Off);
        settings.For("other").ToString().ShouldBe("errors");
    }

    [Fact]
    public void A_file_without_the_section_leaves_it_to_appsettings()
    {
        var (config, _) = ServerConfigReader.Parse("server:\n  url: http://127.0.0.1:1\nroutes: []\n", "c.yaml", Types);

        config!.Server.PacketLog.ShouldBeNull();
    }

    [Theory]
    [InlineData("server:\n  packet-log:\n    levle: flow\nroutes: []\n", 3, 5, "unknown key 'levle'")]
    [InlineData("server:\n  packet-log:\n    level: verbose\nroutes: []\n", 3, 12, "'level' must be one of off, errors, flow, got 'verbose'")]
    [InlineData("server:\n  packet-log: { sample: 1/0 }\nroutes: []\n", 2, 25, "'sample' must be 1/N")]
    [InlineData("server:\n  packet-log: { sample: sometimes }\nroutes: []\n", 2, 25, "got 'sometimes'")]
    [InlineData("server:\n  packet-log: { capacity: 0 }\nroutes: []\n", 2, 27, "'capacity' must be at least 1")]
    [InlineData("server:\n  packet-log: { report-interval: 10 }\nroutes: []\n", 2, 34, "duration")]
    [InlineData("server:\n  packet-log: flow\nroutes: []\n", 2, 15, "must be a mapping")]
    [InlineData("server:\n  packet-log:\n    routes: [ingress]\nroutes: []\n", 3, 13, "'routes' must be a mapping of names")]
    [InlineData("server:\n  packet-log:\n    routes:\n      ingress: { level: loud }\nroutes: []\n", 4, 25, "routes: ingress: 'level' must be one of")]
    [InlineData("server:\n  packet-log:\n    routes:\n      ingress: { every: 10 }\nroutes: []\n", 4, 18, "routes: ingress: unknown key 'every'")]
    [InlineData("server:\n  packet-log:\n    routes:\n      ingress: errors\nroutes: []\n", 4, 16, "routes: 'ingress' must be a mapping")]
    public void Bad_settings_are_errors_at_their_line_and_column(string yaml, int line, int column, string message)
    {
        var (config, errors) = ServerConfigReader.Parse(yaml, "c.yaml", Types);

        config.ShouldBeNull();
        var error = errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((line, column), error.ToString());
        error.Message.ShouldContain(message);
        error.ToString().ShouldStartWith($"c.yaml:{line}:{column}: server: ");
        error.Message.ShouldContain("packet-log");
    }

    [Fact]
    public void A_change_to_packet_log_alone_is_not_a_restart_only_change_of_the_server_section()
    {
        static string Canonical(string serverBody) =>
            ServerConfigReader.Parse($"server:\n  drain-timeout: 5s\n{serverBody}routes: []\n", "c.yaml", Types).Config!.ServerCanonical;

        var without = Canonical("");
        Canonical("  packet-log: { level: off }\n").ShouldBe(without);
        Canonical("  packet-log: { level: flow, sample: 1 }\n").ShouldBe(without);
        Canonical("  url: http://127.0.0.1:9\n").ShouldNotBe(without);
    }

    [Fact]
    public void Appsettings_bind_mediation_packet_log_and_bad_values_are_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mediation:PacketLog:Level"] = "errors",
            ["Mediation:PacketLog:Sample"] = "5%",
            ["Mediation:PacketLog:Capacity"] = "2000",
            ["Mediation:PacketLog:Routes:orders:Level"] = "Flow",
            ["Mediation:PacketLog:Routes:orders:Sample"] = "1/2",
        }).Build();
        var options = new MediationOptions();
        configuration.GetSection(MediationOptions.Section).Bind(options);

        options.Validate().ShouldBeEmpty();
        options.PacketLog.Level.ShouldBe(PacketLogLevel.Errors);
        PacketLogSettings.From(options.PacketLog).For("orders").ToString().ShouldBe("flow, sample 1/2");

        options.PacketLog.Sample = "lots";
        options.PacketLog.Capacity = 0;
        options.PacketLog.Routes["orders"].Sample = "2/3";
        var errors = options.Validate();
        errors.ShouldContain(e => e.StartsWith("Mediation:PacketLog:Sample must be 1/N"));
        errors.ShouldContain("Mediation:PacketLog:Capacity must be at least 1, got 0");
        errors.ShouldContain(e => e.StartsWith("Mediation:PacketLog:Routes:orders:Sample"));
    }

    [Fact]
    public void The_default_is_flow_at_one_in_a_thousand_with_a_ten_thousand_line_queue()
    {
        var options = new PacketLogOptions();
        (options.Level, options.Sample, options.Capacity, options.ReportInterval).ShouldBe((PacketLogLevel.Flow, "1/1000", 10_000, TimeSpan.FromSeconds(10)));
    }
}

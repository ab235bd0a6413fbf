using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Operators.Configuration;
using Rx.Mediation.Server;

namespace Rx.Mediation.Config.Specs;

/// <summary>Durations read one way in every front door: a unit is required, so a bare number is never read as days.</summary>
public sealed class DurationSettingsSpecs
{
    [Theory]
    [InlineData("entrypoints:\n  feed: { type: sse, heartbeat-interval: 1 }\nroutes: []\n", 2, 42, "entrypoint 'feed': 'heartbeat-interval' must be a duration with a unit")]
    [InlineData("entrypoints:\n  p: { type: poll, default-timeout: 25 }\nroutes: []\n", 2, 37, "entrypoint 'p': 'default-timeout' must be a duration with a unit")]
    [InlineData("entrypoints:\n  w: { type: websocket, keep-alive-interval: 30 }\nroutes: []\n", 2, 46, "got '30'")]
    public void A_file_entrypoint_duration_without_a_unit_is_refused_at_its_value(string yaml, int line, int column, string message) =>
        ServerConfigErrors.ShouldRefuseAt(yaml, line, column, message);

    [Fact]
    public void A_file_entrypoint_duration_with_a_unit_is_read_exactly()
    {
        var (config, errors) = ServerConfigReader.Parse(
            "entrypoints:\n  feed: { type: sse, heartbeat-interval: 1s }\n  p: { type: poll, path: /p, default-timeout: '00:00:20' }\nroutes: []\n", "c.yaml", ServerConfigErrors.Types);

        errors.ShouldBeEmpty();
        config!.Entrypoints.Select(e => e.Options).OfType<SseEntrypointOptions>().Single().HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(1));
        config.Entrypoints.Select(e => e.Options).OfType<PollEntrypointOptions>().Single().DefaultTimeout.ShouldBe(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_file_endpoint_duration_without_a_unit_is_refused_at_its_value_in_the_files_words()
    {
        const string yaml = "endpoints:\n  orders: { type: kafka, bootstrap-servers: '127.0.0.1:9092', topics: orders, message-timeout: 30 }\nroutes: []\n";
        var (config, errors) = ServerConfigReader.Parse(yaml, "c.yaml", ServerConfigErrors.Types);
        errors.ShouldBeEmpty();

        var ex = Should.Throw<ConfigException>(() =>
            ConfigRuntime.CreateEndpoints(Composition.Catalog(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, config!.Endpoints));

        var error = ex.Errors.ShouldHaveSingleItem();
        (error.Location.Line, error.Location.Column).ShouldBe((2, 96), error.ToString());
        error.Message.ShouldBe($"endpoint 'orders': 'message-timeout' must be {DurationSettings.Expected}, got '30'");
    }

    [Theory]
    [InlineData("--Mediation:Sse:HeartbeatInterval=1", "Mediation:Sse:HeartbeatInterval must be a duration with a unit")]
    [InlineData("--Mediation:Poll:DefaultTimeout=25", "Mediation:Poll:DefaultTimeout must be a duration with a unit")]
    [InlineData("--Mediation:Routes:ingress:Bridge:RetryAfter=5", "Mediation:Routes:ingress:Bridge:RetryAfter must be a duration with a unit")]
    public void A_setting_duration_without_a_unit_stops_the_start_naming_its_key(string argument, string message)
    {
        var ex = Should.Throw<InvalidOperationException>(() => Composition.Build(["--Mediation:Url=http://127.0.0.1:0", argument]));

        ex.Message.ShouldContain(message);
    }

    [Fact]
    public async Task Settings_take_the_same_durations_as_the_file()
    {
        await using var app = Composition.Build(["--Mediation:Url=http://127.0.0.1:0", "--Mediation:Sse:HeartbeatInterval=2s", "--Mediation:Poll:DefaultTimeout=00:00:20", "--Mediation:Routes:ingress:Bridge:RetryAfter=500ms"]);

        var options = app.Services.GetRequiredService<MediationOptions>();
        options.Sse.HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(2));
        options.Poll.DefaultTimeout.ShouldBe(TimeSpan.FromSeconds(20));
        options.Routes["ingress"].Bridge.RetryAfter.ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void An_endpoint_setting_duration_without_a_unit_is_refused_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mediation:Endpoints:orders:Type"] = "kafka",
            ["Mediation:Endpoints:orders:BootstrapServers"] = "127.0.0.1:9092",
            ["Mediation:Endpoints:orders:Topics"] = "orders",
            ["Mediation:Endpoints:orders:MessageTimeout"] = "30",
        }).Build();

        var (_, errors) = Composition.Catalog().Create(configuration, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        errors.ShouldHaveSingleItem().ShouldBe($"endpoint 'orders': Mediation:Endpoints:orders:MessageTimeout must be {DurationSettings.Expected}, got '30'");
    }
}

using Microsoft.Extensions.Configuration;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Server.Specs;

public sealed class OptionsSpecs
{
    [Fact]
    public void Configuration_changes_default_routes_adds_new_ones_and_disables_others()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mediation:Routes:ingress:Bridge:Capacity"] = "16",
            ["Mediation:Routes:ingress:Bridge:Overflow"] = "drop-new",
            ["Mediation:Routes:ingress:Bridge:MaxBytes"] = "1048576",
            ["Mediation:Routes:egress:Enabled"] = "false",
            ["Mediation:Routes:orders:Sources"] = "http[orders/#], ws",
            ["Mediation:Routes:orders:Targets"] = "memory",
            ["Mediation:Sse:HeartbeatInterval"] = "00:00:05",
        }).Build();
        var options = new MediationOptions();
        configuration.GetSection(MediationOptions.Section).Bind(options);

        options.Validate().ShouldBeEmpty();
        options.Sse.HeartbeatInterval.ShouldBe(TimeSpan.FromSeconds(5));
        options.Sse.Path.ShouldBe("/sse");
        var routes = ConfiguredRoutes.FromOptions(options).ToDictionary(r => r.Name);
        routes.Keys.ShouldBe(["ingress", "orders"], ignoreOrder: true);
        routes["ingress"].Sources.Select(s => s.ToString()).ShouldBe(["http", "ws"]);
        routes["ingress"].Bridge.Capacity.ShouldBe(16);
        routes["ingress"].Bridge.Overflow.ShouldBe(OverflowStrategy.DropNew);
        routes["ingress"].Bridge.MaxBytes.ShouldBe(1_048_576);
        routes["orders"].Bridge.MaxBytes.ShouldBe(BridgeOptions.DefaultMaxBytes);
        routes["orders"].Sources.Select(s => s.ToString()).ShouldBe(["http[orders/#]", "ws"]);
    }

    [Fact]
    public void Byte_budgets_are_read_from_their_keys_and_reach_the_buffers_and_send_queues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mediation:Sse:ReplayMaxBytes"] = "1048576",
            ["Mediation:Sse:ReplayMaxBytesPerTopic"] = "65536",
            ["Mediation:Sse:SendQueueMaxBytes"] = "32768",
            ["Mediation:Poll:MaxBytes"] = "2097152",
            ["Mediation:Poll:MaxBytesPerTopic"] = "131072",
            ["Mediation:Poll:MaxPageBytes"] = "4096",
        }).Build();
        var options = new MediationOptions();
        configuration.GetSection(MediationOptions.Section).Bind(options);

        options.Validate().ShouldBeEmpty();
        var sse = new Rx.Mediation.Hosting.Entrypoints.ServerSentEvents.SseEntrypoint(options.Sse);
        sse.Log.Limits.ShouldBe(new Rx.Mediation.Hosting.Buffers.TopicLogLimits { Bytes = 1_048_576, BytesPerTopic = 65_536 });
        options.Sse.SendQueueMaxBytes.ShouldBe(32_768);
        new Rx.Mediation.Hosting.Entrypoints.Polling.PollEntrypoint(options.Poll).Log.Limits.ShouldBe(new Rx.Mediation.Hosting.Buffers.TopicLogLimits { Bytes = 2_097_152, BytesPerTopic = 131_072 });
        options.Poll.MaxPageBytes.ShouldBe(4_096);
        options.WebSocket.SendQueueMaxBytes.ShouldBe(8 * 1024 * 1024, "the default");
    }

    [Theory]
    [InlineData("Mediation:Sse:ReplayMaxBytes", "0")]
    [InlineData("Mediation:Sse:ReplayMaxBytesPerTopic", "-1")]
    [InlineData("Mediation:Sse:SendQueueMaxBytes", "0")]
    [InlineData("Mediation:WebSocket:SendQueueMaxBytes", "0")]
    [InlineData("Mediation:Poll:MaxBytes", "0")]
    [InlineData("Mediation:Poll:MaxBytesPerTopic", "0")]
    [InlineData("Mediation:Poll:MaxPageBytes", "0")]
    public void A_byte_budget_below_one_is_reported_with_its_key(string key, string value)
    {
        var options = new MediationOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()
            .GetSection(MediationOptions.Section).Bind(options);

        options.Validate().ShouldContain($"{key} must be at least 1, got {value}");
    }

    [Fact]
    public void Bad_values_are_reported_with_their_keys()
    {
        var options = new MediationOptions { Url = "ftp://x" };
        options.Sse.Path = "sse";
        options.Poll.Path = "/events";
        var errors = options.Validate();
        errors.ShouldContain(e => e.Contains("Mediation:Url"));
        errors.ShouldContain(e => e.Contains("Mediation:Sse:Path"));
        errors.ShouldContain(e => e.Contains("share the path '/events'"));
        options.Routes["ingress"].Bridge.Overflow = "sometimes";
        Should.Throw<InvalidOperationException>(() => ConfiguredRoutes.FromOptions(options)).Message.ShouldContain("Mediation:Routes:ingress:Bridge:Overflow");
        options.Routes["ingress"].Bridge.Overflow = "drop-new";
        options.Routes["ingress"].Bridge.MaxBytes = 0;
        Should.Throw<InvalidOperationException>(() => ConfiguredRoutes.FromOptions(options)).Message.ShouldContain("Mediation:Routes:ingress:Bridge:MaxBytes: must be at least 1 byte, got 0");
    }
}

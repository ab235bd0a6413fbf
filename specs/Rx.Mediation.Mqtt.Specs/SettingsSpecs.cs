using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Mqtt;
using Rx.Mediation.Server;

namespace Rx.Mediation.Mqtt.Specs;

public sealed class SettingsSpecs
{
    private static (IReadOnlyList<Rx.Mediation.Nodes.IEndpoint> Endpoints, IReadOnlyList<string> Errors) Create(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.GroupBy(s => s.Key).Select(g => new KeyValuePair<string, string?>($"Mediation:Endpoints:{g.Key}", g.Last().Value)))
            .Build();
        return Composition.Catalog().Create(configuration, NullLoggerFactory.Instance);
    }

    [Theory]
    [InlineData("mqtt5")]
    [InlineData("mqtt")]
    public void Both_type_names_make_an_mqtt_endpoint_with_the_defaults(string type)
    {
        var (endpoints, errors) = Create(("b:Type", type), ("b:Host", "127.0.0.1"));
        errors.ShouldBeEmpty();
        var options = endpoints.ShouldHaveSingleItem().ShouldBeOfType<MqttEndpoint>().Options;
        options.Port.ShouldBe(1883);
        options.Qos.ShouldBe(1);
        options.CleanStart.ShouldBeTrue();
        options.Subscriptions.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Host", "", "Mediation:Endpoints:b:Host is required")]
    [InlineData("Qos", "3", "Mediation:Endpoints:b:Qos must be between 0 and 2, got 3")]
    [InlineData("Port", "0", "Mediation:Endpoints:b:Port must be between 1 and 65535")]
    [InlineData("Subscriptions", "a/#/b", "Mediation:Endpoints:b:Subscriptions has a bad filter")]
    [InlineData("Subscriptions", "$share//a", "Mediation:Endpoints:b:Subscriptions has a bad filter")]
    [InlineData("CleanStart", "false", "Mediation:Endpoints:b:ClientId is required when CleanStart is false")]
    [InlineData("PasswordEnv", "RX_MQTT_NO_SUCH_VARIABLE", "Mediation:Endpoints:b:PasswordEnv names the environment variable")]
    [InlineData("MaxInFlight", "0", "Mediation:Endpoints:b:MaxInFlight must be between 1 and 65535")]
    public void A_bad_setting_is_reported_with_its_key_and_the_server_gets_a_stand_in(string key, string value, string message)
    {
        var settings = new List<(string, string)> { ("b:Type", "mqtt5"), ("b:Host", "127.0.0.1"), ($"b:{key}", value) };
        var (endpoints, errors) = Create([.. settings]);
        errors.ShouldHaveSingleItem().ShouldContain(message);
        errors[0].ShouldStartWith("endpoint 'b'");
        endpoints.ShouldHaveSingleItem().ShouldBeOfType<UnavailableEndpoint>();
    }

    [Fact]
    public void A_persistent_session_needs_an_expiry()
    {
        var (_, errors) = Create(("b:Type", "mqtt5"), ("b:Host", "h"), ("b:CleanStart", "false"), ("b:ClientId", "c1"));
        errors.ShouldHaveSingleItem().ShouldContain("SessionExpiry must be positive");
    }

    [Fact]
    public void Solace_needs_a_message_vpn_translates_its_subscriptions_and_refuses_queues_over_mqtt()
    {
        Create(("s:Type", "solace"), ("s:Host", "h")).Errors.ShouldHaveSingleItem().ShouldContain("Mediation:Endpoints:s:MessageVpn is required");
        Create(("s:Type", "solace"), ("s:Host", "h"), ("s:MessageVpn", "default"), ("s:Transport", "mqtt"), ("s:Queue", "q1")).Errors.ShouldHaveSingleItem().ShouldContain("Queue is not supported over MQTT");
        Create(("s:Type", "solace"), ("s:Host", "h"), ("s:MessageVpn", "default"), ("s:Subscriptions", "a/b*")).Errors.ShouldHaveSingleItem().ShouldContain("prefix wildcards");

        var (endpoints, errors) = Create(("s:Type", "solace"), ("s:Host", "h"), ("s:MessageVpn", "default"), ("s:ClientName", "app-1"), ("s:Subscriptions", "orders/*/new, #share/workers/jobs/>"));
        errors.ShouldBeEmpty();
        var options = endpoints.ShouldHaveSingleItem().ShouldBeOfType<MqttEndpoint>().Options;
        options.Subscriptions.ShouldBe(["orders/+/new", "$share/workers/jobs/#"]);
        options.ClientId.ShouldBe("app-1");
        options.Description!.ShouldContain("message VPN 'default'");
    }
}

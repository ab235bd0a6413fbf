using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Amqp;
using Rx.Mediation.Mqtt;
using Rx.Mediation.Solace;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>How a <c>solace</c> endpoint picks its transport, and the errors for settings that do not fit it.</summary>
public sealed class SolaceSettingsSpecs
{
    [Fact]
    public void A_queue_selects_the_amqp_transport_with_solace_addresses()
    {
        var (endpoints, errors) = Create(("MessageVpn", "prod"), ("Host", "solace.local"), ("Queue", "orders"), ("Queues", "audit"),
            ("Subscriptions", "sol/*/in/>"), ("Username", "app"), ("Password", "secret"), ("ClientName", "app-1"), ("Credit", "10"));

        errors.ShouldBeEmpty();
        var endpoint = endpoints.Single().ShouldBeOfType<AmqpEndpoint>();
        endpoint.Settings.ReceiveAddresses.ShouldBe(["queue://orders", "queue://audit", "topic://sol/*/in/>"]);
        endpoint.Settings.Username.ShouldBe("app");
        endpoint.Settings.ContainerId.ShouldBe("app-1");
        endpoint.Settings.Credit.ShouldBe(10);
        endpoint.Settings.EffectivePort.ShouldBe(5672);
        // PubSub+ picks the VPN by the AMQP listen port; the open hostname stays the host unless VirtualHost says otherwise.
        endpoint.Settings.VirtualHost.ShouldBeNull();
        endpoint.Addressing.Resolve("sol/out/x", out _).ShouldBe("topic://sol/out/x");
    }

    [Fact]
    public void The_rabbitmq_style_maps_the_vpn_to_a_vhost_and_queues_to_amq_queue()
    {
        var (endpoints, errors) = Create(("MessageVpn", "/"), ("Transport", "amqp10"), ("AddressStyle", "rabbitmq"), ("Queues", "q1"), ("Destination", "queue://{topic}"));

        errors.ShouldBeEmpty();
        var endpoint = endpoints.Single().ShouldBeOfType<AmqpEndpoint>();
        endpoint.Settings.VirtualHost.ShouldBe("vhost:/");
        endpoint.Settings.ReceiveAddresses.ShouldBe(["/amq/queue/q1"]);
        endpoint.Addressing.Resolve("jobs", out _).ShouldBe("/amq/queue/jobs");
        endpoint.Addressing.TopicOf("/amq/queue/q1").ShouldBe("q1");
    }

    [Fact]
    public void Topic_only_configurations_stay_on_mqtt()
    {
        var (endpoints, errors) = Create(("MessageVpn", "default"), ("Host", "h"), ("Subscriptions", "orders/*/new"));

        errors.ShouldBeEmpty();
        endpoints.Single().ShouldBeOfType<MqttEndpoint>().Options.Subscriptions.ShouldBe(["orders/+/new"]);
    }

    [Fact]
    public void Both_transports_hold_their_routes_back_at_half_their_outbound_queue()
    {
        // The solace type builds the mqtt5 and amqp10 endpoints themselves, so it has their outbound pressure as is.
        var mqtt = Create(("MessageVpn", "default"), ("Host", "h"), ("OutboundCapacity", "40")).Endpoints.Single().ShouldBeOfType<MqttEndpoint>();
        mqtt.Pressure.HighWater.ShouldBe(20);
        mqtt.Pressure.LowWater.ShouldBe(10);
        var amqp = Create(("MessageVpn", "default"), ("Host", "h"), ("Queue", "q1"), ("OutboundCapacity", "40")).Endpoints.Single().ShouldBeOfType<AmqpEndpoint>();
        amqp.Pressure.HighWater.ShouldBe(20);
        amqp.Pressure.LowWater.ShouldBe(10);
    }

    [Theory]
    [InlineData("Transport=mqtt;Queue=q1", "Mediation:Endpoints:broker:Queue is not supported over MQTT (Transport=mqtt)")]
    [InlineData("Transport=mqtt;Destination=queue://q", "Mediation:Endpoints:broker:Destination applies to Transport=amqp10 only")]
    [InlineData("Transport=stomp", "Mediation:Endpoints:broker:Transport must be mqtt or amqp10, got 'stomp'")]
    [InlineData("Queue=q1;AddressStyle=artemis", "Mediation:Endpoints:broker:AddressStyle must be solace or rabbitmq, got 'artemis'")]
    [InlineData("Queue=q1;Receive=/queue/x", "Mediation:Endpoints:broker:Receive is an amqp10 setting; a solace endpoint takes Queues and Subscriptions")]
    [InlineData("Queue=q1;Address=/topic/{topic}", "Mediation:Endpoints:broker:Address is an amqp10 setting; a solace endpoint takes Destination")]
    [InlineData("Queue=bad*queue", "Mediation:Endpoints:broker:Queues queue name 'bad*queue' contains a wildcard or reserved character")]
    [InlineData("Queue=eu/q;AddressStyle=rabbitmq", "Mediation:Endpoints:broker:Queues queue name 'eu/q' contains '/'")]
    [InlineData("Transport=amqp10;Subscriptions=#share/g/a", "Mediation:Endpoints:broker:Subscriptions '#share/g/a': shared subscriptions")]
    [InlineData("Queue=q1;Destination=topic://a/>", "Mediation:Endpoints:broker:Destination topic 'a/>' contains the Solace wildcard level '>'")]
    [InlineData("Queue=q1;Credit=0", "Mediation:Endpoints:broker:Credit must be between 1 and 100000, got 0")]
    [InlineData("Queue=q1;Password=secret-value", "Mediation:Endpoints:broker:Username is required when a password is given")]
    public void Settings_that_do_not_fit_the_transport_are_clear_errors(string settings, string error)
    {
        var pairs = settings.Split(';').Select(s => s.Split('=', 2)).Select(p => (p[0], p[1]));
        var (endpoints, errors) = Create([("MessageVpn", "default"), .. pairs]);

        errors.ShouldHaveSingleItem().ShouldContain(error);
        errors[0].ShouldStartWith("endpoint 'broker': ");
        errors[0].ShouldNotContain("secret-value");
        endpoints.Single().ShouldBeOfType<UnavailableEndpoint>();
    }

    [Fact]
    public void The_message_vpn_is_required_on_either_transport()
    {
        Create(("Queue", "q1")).Errors.ShouldHaveSingleItem().ShouldContain("Mediation:Endpoints:broker:MessageVpn is required");
        Create(("Subscriptions", "a/b")).Errors.ShouldHaveSingleItem().ShouldContain("Mediation:Endpoints:broker:MessageVpn is required");
    }

    private static (IReadOnlyList<Rx.Mediation.Nodes.IEndpoint> Endpoints, IReadOnlyList<string> Errors) Create(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("Mediation:Endpoints:broker:Type", "solace"),
                .. settings.Select(s => new KeyValuePair<string, string?>($"Mediation:Endpoints:broker:{s.Key}", s.Value))])
            .Build();
        return new EndpointCatalog([new SolaceEndpointProvider()]).Create(configuration, NullLoggerFactory.Instance);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

public sealed class AmqpSettingsSpecs
{
    [Theory]
    [InlineData("amqp10")]
    [InlineData("jms")]
    [InlineData("JMS")]
    public void Both_type_names_make_an_amqp_endpoint_with_the_defaults(string type)
    {
        var (endpoints, errors) = Create(("Type", type));

        errors.ShouldBeEmpty();
        var endpoint = endpoints.Single().ShouldBeOfType<AmqpEndpoint>();
        endpoint.Name.ShouldBe("broker");
        var settings = endpoint.Settings;
        settings.Host.ShouldBe("127.0.0.1");
        settings.EffectivePort.ShouldBe(5672);
        settings.Address.ShouldBe("{topic}");
        settings.Durable.ShouldBeTrue();
        settings.Credit.ShouldBe(100);
        settings.ReceiveAddresses.ShouldBeEmpty();
    }

    [Fact]
    public void Settings_are_bound()
    {
        var (endpoints, errors) = Create(("Type", "amqp10"), ("Host", "broker.local"), ("Port", "5673"), ("Address", "/queue/{topic}"),
            ("Durable", "false"), ("Receive", "/queue/a, /topic/b"), ("Credit", "10"), ("Username", "app"), ("Password", "secret"), ("VirtualHost", "vhost:prod"));

        errors.ShouldBeEmpty();
        var settings = endpoints.Single().ShouldBeOfType<AmqpEndpoint>().Settings;
        settings.Host.ShouldBe("broker.local");
        settings.EffectivePort.ShouldBe(5673);
        settings.Address.ShouldBe("/queue/{topic}");
        settings.Durable.ShouldBeFalse();
        settings.ReceiveAddresses.ShouldBe(["/queue/a", "/topic/b"]);
        settings.Credit.ShouldBe(10);
        settings.ResolvePassword().ShouldBe("secret");
        settings.VirtualHost.ShouldBe("vhost:prod");
    }

    [Theory]
    [InlineData("Port", "0", "Port")]
    [InlineData("Port", "not-a-number", "broker")]
    [InlineData("Credit", "0", "Credit")]
    [InlineData("MaxInFlight", "0", "MaxInFlight")]
    [InlineData("OutboundCapacity", "-1", "OutboundCapacity")]
    [InlineData("QueueCapacity", "40", "QueueCapacity was renamed OutboundCapacity")]
    [InlineData("QueueMaxBytes", "1000", "QueueMaxBytes was renamed OutboundMaxBytes")]
    [InlineData("RetryBackoff", "00:00:01", "RetryBackoff was renamed RetryDelay")]
    [InlineData("ReconnectBackoff", "00:00:01", "ReconnectBackoff was renamed ReconnectDelay")]
    [InlineData("MaxReconnectBackoff", "00:00:01", "MaxReconnectBackoff was renamed MaxReconnectDelay")]
    [InlineData("DrainTimeout", "00:00:01", "DrainTimeout was renamed StopTimeout")]
    [InlineData("User", "app", "User was renamed Username")]
    [InlineData("MaxReconnectDelay", "00:00:00.100", "MaxReconnectDelay must be at least ReconnectDelay")]
    [InlineData("Address", "/q/{topic}/{topic}", "Address")]
    [InlineData("Receive", "/queue/{topic}", "Receive")]
    [InlineData("PasswordEnv", "RXM_AMQP_SPEC_UNSET_VARIABLE", "PasswordEnv")]
    [InlineData("Password", "secret-without-user", "Username")]
    [InlineData("Host", " ", "Host")]
    public void A_bad_setting_is_named_with_its_endpoint_and_key(string key, string value, string named)
    {
        var (endpoints, errors) = Create(("Type", "amqp10"), (key, value));

        var error = errors.ShouldHaveSingleItem();
        error.ShouldContain("endpoint 'broker'");
        error.ShouldContain(named);
        error.ShouldNotContain("secret-without-user");
        endpoints.Single().ShouldBeOfType<UnavailableEndpoint>();
    }

    internal static (IReadOnlyList<Rx.Mediation.Nodes.IEndpoint> Endpoints, IReadOnlyList<string> Errors) Create(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Mediation:Endpoints:broker:{s.Key}", s.Value)))
            .Build();
        return new EndpointCatalog([new AmqpEndpointProvider()]).Create(configuration, NullLoggerFactory.Instance);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Server;

namespace Rx.Mediation.RabbitMq.Specs;

public sealed class OptionsSpecs
{
    private static RabbitMqOptions Options(params (string Key, string Value)[] settings) => Options(null, settings);

    private static RabbitMqOptions Options(Func<string, string?>? environment, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Mediation:Endpoints:rabbit:{s.Key}", s.Value)).Append(new("Mediation:Endpoints:rabbit:Type", "rabbitmq")))
            .Build();
        var context = new EndpointContext("rabbit", "rabbitmq", configuration.GetSection("Mediation:Endpoints:rabbit"), NullLoggerFactory.Instance);
        return RabbitMqOptions.From(context, context.Bind<RabbitMqSettings>(), environment ?? (_ => null));
    }

    [Fact]
    public void Defaults_are_documented_values()
    {
        var o = Options(("Host", "broker"));
        o.DisplayAddress.ShouldBe("amqp://guest@broker:5672/%2F");
        o.Password.ShouldBe("guest");
        o.Exchange.ShouldBe("");
        o.RoutingKey.ShouldBeNull();
        o.Persistent.ShouldBeTrue();
        o.Mandatory.ShouldBeFalse();
        o.MaxInFlight.ShouldBe(256);
        o.OutboundCapacity.ShouldBe(10_000);
        o.Prefetch.ShouldBe((ushort)100);
        o.MaxRedeliveries.ShouldBe(0);
        o.Queues.ShouldBeEmpty();
        o.Declare.ShouldBeFalse();
        o.AutomaticRecoveryEnabled.ShouldBeTrue();
        o.TopologyRecoveryEnabled.ShouldBeTrue();
        o.NetworkRecoveryInterval.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void A_uri_password_is_kept_apart_and_never_shown()
    {
        var o = Options(("Uri", "amqp://app:p%40ss@mq.local:5673/prod"), ("Queues", " a , b ,"), ("Prefetch", "10"));
        o.Password.ShouldBe("p@ss");
        o.DisplayAddress.ShouldBe("amqp://app@mq.local:5673/prod");
        o.Queues.ShouldBe(["a", "b"]);
        o.Prefetch.ShouldBe((ushort)10);
    }

    [Fact]
    public void Host_settings_and_a_password_from_the_environment()
    {
        var o = Options(name => name == "MQ_PW" ? "from-env" : null, ("Host", "h"), ("Port", "5999"), ("VirtualHost", "v1"), ("Username", "u"), ("PasswordEnv", "MQ_PW"));
        o.Password.ShouldBe("from-env");
        o.Address.ToString().ShouldBe("amqp://u@h:5999/v1");
    }

    [Theory]
    [InlineData("Uri", "http://x", "Mediation:Endpoints:rabbit:Uri")]
    [InlineData("Prefetch", "0", "Mediation:Endpoints:rabbit:Prefetch")]
    [InlineData("MaxInFlight", "0", "Mediation:Endpoints:rabbit:MaxInFlight")]
    [InlineData("ExchangeType", "fancy", "Mediation:Endpoints:rabbit:ExchangeType")]
    [InlineData("MaxRedeliveries", "-1", "Mediation:Endpoints:rabbit:MaxRedeliveries")]
    [InlineData("PasswordEnv", "NOT_SET_ANYWHERE", "Mediation:Endpoints:rabbit:PasswordEnv")]
    public void A_bad_setting_names_its_key(string key, string value, string expected)
    {
        var settings = key == "Uri" ? new[] { (key, value) } : [("Host", "h"), (key, value)];
        var error = Should.Throw<EndpointConfigurationException>(() => Options(settings));
        error.Key.ShouldBe(expected);
        error.Message.ShouldStartWith("endpoint 'rabbit': " + expected);
    }

    [Fact]
    public void The_former_name_User_is_refused_naming_Username()
    {
        var error = Should.Throw<EndpointConfigurationException>(() => Options(("Host", "h"), ("User", "app")));
        error.Key.ShouldBe("Mediation:Endpoints:rabbit:User");
        error.Message.ShouldContain("was renamed Username");
    }

    [Fact]
    public void No_address_at_all_is_reported()
    {
        Should.Throw<EndpointConfigurationException>(() => Options(("Queues", "q"))).Message.ShouldContain("Host (or Uri) is required");
    }

    [Fact]
    public void Passwords_are_masked_in_any_text()
    {
        RabbitMqAddress.MaskText("cannot connect to amqp://u:secret@h:1/ now").ShouldBe("cannot connect to amqp://u:***@h:1/ now");
        RabbitMqAddress.MaskText("amqp://h:5672/").ShouldBe("amqp://h:5672/");
    }

    [Theory]
    [InlineData("pa/ss-word")]
    [InlineData("p@ss-word")]
    [InlineData("p%40ss-word")]
    [InlineData("p%zzss-word")]
    [InlineData("p:ss-word")]
    [InlineData("p@s/s:w%ord")]
    public void A_password_with_uri_delimiters_is_masked_whole(string password)
    {
        var text = $"cannot connect to amqp://guest:{password}@127.0.0.1:5672/vhost, then to amqps://other:{password}@h/";

        var masked = RabbitMqAddress.MaskText(text);

        masked.ShouldNotContain(password);
        masked.ShouldNotContain("ss-word");
        masked.ShouldNotContain("ord");
        masked.ShouldStartWith("cannot connect to amqp://guest:***@");
        masked.ShouldContain(", then to amqps://other:***@");
    }

    [Theory]
    [InlineData("amqp://guest:pa/ss-word@127.0.0.1:5672/")]
    [InlineData("amqp://guest:p@ss-word@127.0.0.1:5672/")]
    [InlineData("amqp://guest:p%zzss-word@127.0.0.1:5672/")]
    [InlineData("amqp://guest:p:ss-word@127.0.0.1:5672/")]
    [InlineData("amqp://guest:pass-word/")]
    public void A_malformed_uri_is_refused_without_its_password_or_it_is_read_and_shown_masked(string uri)
    {
        try
        {
            var options = Options(("Uri", uri), ("Queues", "q"));
            options.DisplayAddress.ShouldNotContain("ss-word");
            options.Address.ToString().ShouldNotContain("ss-word");
        }
        catch (EndpointConfigurationException ex)
        {
            ex.Message.ShouldContain("Uri");
            ex.Message.ShouldNotContain("ss-word");
        }
    }

    [Fact]
    public void The_catalog_makes_a_rabbitmq_endpoint_without_connecting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mediation:Endpoints:orders:Type"] = "rabbitmq",
            ["Mediation:Endpoints:orders:Uri"] = "amqp://guest:guest@127.0.0.1:1/",
        }).Build();
        var (endpoints, errors) = Composition.Catalog().Create(configuration, NullLoggerFactory.Instance);
        errors.ShouldBeEmpty();
        endpoints.ShouldHaveSingleItem().ShouldBeOfType<RabbitMqEndpoint>().Name.ShouldBe("orders");
    }
}

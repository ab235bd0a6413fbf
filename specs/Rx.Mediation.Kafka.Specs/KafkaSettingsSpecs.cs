using Microsoft.Extensions.Configuration;
using Rx.Mediation.Connectors;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Kafka;
using Rx.Mediation.Server;

namespace Rx.Mediation.Kafka.Specs;

public sealed class KafkaSettingsSpecs
{
    private const string Key = "Mediation:Endpoints:orders";

    private static KafkaEndpointOptions From(KafkaSettings settings, Func<string, string?>? environment = null) =>
        KafkaEndpointOptions.From("orders", Key, settings, environment);

    private static string ErrorOf(KafkaSettings settings, Func<string, string?>? environment = null) =>
        Should.Throw<EndpointConfigurationException>(() => From(settings, environment)).Message;

    [Fact]
    public void Defaults_are_an_idempotent_acks_all_producer_and_a_consumer_that_commits_only_what_was_accepted()
    {
        var options = From(new KafkaSettings { BootstrapServers = "127.0.0.1:9092, 127.0.0.1:9093", Topics = "a, b" });

        options.BootstrapServers.ShouldBe("127.0.0.1:9092,127.0.0.1:9093");
        options.ConsumeTopics.ShouldBe(["a", "b"]);
        options.GroupId.ShouldBe("rx-mediation-orders");
        options.KeyHeader.ShouldBe("kafka-key");
        options.ProducerProperties["acks"].ShouldBe("all");
        options.ProducerProperties["enable.idempotence"].ShouldBe("true");
        options.ProducerProperties["client.id"].ShouldBe("rx-mediation-orders");
        options.ConsumerProperties["group.id"].ShouldBe("rx-mediation-orders");
        options.ConsumerProperties["auto.offset.reset"].ShouldBe("earliest");
        options.ConsumerProperties["enable.auto.commit"].ShouldBe("false");
        options.ConsumerProperties["enable.auto.offset.store"].ShouldBe("false");
    }

    [Fact]
    public void The_former_queue_setting_names_are_refused_naming_their_new_names()
    {
        ErrorOf(new KafkaSettings { BootstrapServers = "b:9092", QueueCapacity = "40" })
            .ShouldBe($"endpoint 'orders': {Key}:QueueCapacity was renamed OutboundCapacity, as on every connector (README, Changes)");
        ErrorOf(new KafkaSettings { BootstrapServers = "b:9092", QueueMaxBytes = "1000" })
            .ShouldBe($"endpoint 'orders': {Key}:QueueMaxBytes was renamed OutboundMaxBytes, as on every connector (README, Changes)");
        From(new KafkaSettings { BootstrapServers = "b:9092", OutboundCapacity = 40, OutboundMaxBytes = 1000 }).OutboundCapacity.ShouldBe(40);
    }

    [Fact]
    public void Missing_or_malformed_bootstrap_servers_name_the_key()
    {
        ErrorOf(new KafkaSettings()).ShouldBe($"endpoint 'orders': {Key}:BootstrapServers is required (e.g. 127.0.0.1:9092)");
        ErrorOf(new KafkaSettings { BootstrapServers = "localhost" }).ShouldBe($"endpoint 'orders': {Key}:BootstrapServers has 'localhost', expected host:port");
        ErrorOf(new KafkaSettings { BootstrapServers = "h:0" }).ShouldContain("expected host:port");
    }

    [Theory]
    [InlineData("Topics", "orders/new")]
    [InlineData("Topic", "with space")]
    [InlineData("TopicMap", "orders/#")]
    [InlineData("TopicMap", "orders/#=bad/topic")]
    [InlineData("TopicMap", "a/#/b=t")]
    [InlineData("AutoOffsetReset", "middle")]
    [InlineData("Acks", "leader")]
    [InlineData("SecurityProtocol", "carrier-pigeon")]
    public void A_bad_setting_is_reported_with_its_key(string setting, string value)
    {
        var settings = new KafkaSettings { BootstrapServers = "127.0.0.1:9092" };
        typeof(KafkaSettings).GetProperty(setting)!.SetValue(settings, value);

        ErrorOf(settings).ShouldStartWith($"endpoint 'orders': {Key}:{setting} ");
    }

    [Fact]
    public void A_password_comes_from_the_named_environment_variable_and_is_never_in_an_error()
    {
        var options = From(new KafkaSettings { BootstrapServers = "h:1", SaslUsername = "u", PasswordEnv = "KAFKA_PW" }, name => name == "KAFKA_PW" ? "s3cret" : null);
        options.ProducerProperties["sasl.password"].ShouldBe("s3cret");

        ErrorOf(new KafkaSettings { BootstrapServers = "h:1", SaslUsername = "u", PasswordEnv = "NOPE" }, _ => null)
            .ShouldBe($"endpoint 'orders': {Key}:PasswordEnv names environment variable 'NOPE', which is not set");
        ErrorOf(new KafkaSettings { BootstrapServers = "h:1", Password = "s3cret" }).ShouldNotContain("s3cret");
    }

    [Fact]
    public void Producer_and_consumer_sockets_disable_nagle_unless_a_property_says_otherwise()
    {
        var defaults = From(new KafkaSettings { BootstrapServers = "h:1" });
        defaults.ProducerProperties["socket.nagle.disable"].ShouldBe("true");
        defaults.ConsumerProperties["socket.nagle.disable"].ShouldBe("true");

        var settings = new KafkaSettings { BootstrapServers = "h:1" };
        settings.Properties["socket.nagle.disable"] = "false";
        From(settings).ProducerProperties["socket.nagle.disable"].ShouldBe("false");
    }

    [Fact]
    public void Extra_librdkafka_properties_pass_through_and_win()
    {
        var settings = new KafkaSettings { BootstrapServers = "h:1" };
        settings.Properties["linger.ms"] = "50";
        settings.Properties["reconnect.backoff.max.ms"] = "100";

        var options = From(settings);

        options.ProducerProperties["linger.ms"].ShouldBe("50");
        options.ConsumerProperties["reconnect.backoff.max.ms"].ShouldBe("100");
    }

    [Fact]
    public void The_outbound_topic_is_fixed_or_mapped_or_the_event_topic_with_dots()
    {
        static string? Resolve(KafkaSettings s, string topic) =>
            From(s).Topics.Resolve(Event.FromText("http", topic, "x"), out _);

        Resolve(new KafkaSettings { BootstrapServers = "h:1", Topic = "all-in-one" }, "orders/1").ShouldBe("all-in-one");
        var mapped = new KafkaSettings { BootstrapServers = "h:1", TopicMap = "orders/#=orders, audit=audit-log" };
        Resolve(mapped, "orders/eu/1").ShouldBe("orders");
        Resolve(mapped, "audit").ShouldBe("audit-log");
        Resolve(mapped, "news/today").ShouldBe("news.today");

        From(mapped).Topics.Resolve(Event.FromText("http", "caf\u00e9", "x"), out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("not a valid Kafka topic name");
    }

    [Fact]
    public void The_provider_answers_to_kafka_and_does_not_connect_when_creating()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mediation:Endpoints:orders:Type"] = "kafka",
                ["Mediation:Endpoints:orders:BootstrapServers"] = "127.0.0.1:1",
                ["Mediation:Endpoints:orders:Properties:linger.ms"] = "7",
                ["Mediation:Endpoints:broken:Type"] = "kafka",
            })
            .Build();

        var (endpoints, errors) = Composition.Catalog().Create(configuration, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var kafka = endpoints.OfType<KafkaEndpoint>().ShouldHaveSingleItem();
        kafka.Name.ShouldBe("orders");
        kafka.Options.ProducerProperties["linger.ms"].ShouldBe("7");
        kafka.Health.ShouldBe(Rx.Mediation.Nodes.NodeHealth.Stopped);
        errors.ShouldHaveSingleItem().ShouldContain("Mediation:Endpoints:broken:BootstrapServers is required");
    }
}

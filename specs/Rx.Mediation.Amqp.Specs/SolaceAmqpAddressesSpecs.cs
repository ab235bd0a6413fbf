using Rx.Mediation.Amqp;
using Rx.Mediation.Solace;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>The Solace-convention → AMQP 1.0 address translation of the <c>solace</c> endpoint's AMQP transport.</summary>
public sealed class SolaceAmqpAddressesSpecs
{
    [Theory]
    [InlineData("orders", SolaceAddressStyle.Solace, "queue://orders")]
    [InlineData("eu/orders", SolaceAddressStyle.Solace, "queue://eu/orders")]
    [InlineData("orders", SolaceAddressStyle.RabbitMq, "/amq/queue/orders")]
    public void Queues_are_addressed_in_the_broker_s_syntax(string name, SolaceAddressStyle style, string address) =>
        SolaceAmqpAddresses.Queue(name, style).ShouldBe(address);

    [Theory]
    [InlineData("", SolaceAddressStyle.Solace, "empty")]
    [InlineData("a b", SolaceAddressStyle.Solace, "white space")]
    [InlineData("q*", SolaceAddressStyle.Solace, "reserved character")]
    [InlineData("eu/orders", SolaceAddressStyle.RabbitMq, "'/'")]
    public void Bad_queue_names_are_refused_with_the_reason(string name, SolaceAddressStyle style, string reason) =>
        Should.Throw<FormatException>(() => SolaceAmqpAddresses.Queue(name, style)).Message.ShouldContain(reason);

    [Theory]
    [InlineData("sol/eu/orders", SolaceAddressStyle.Solace, "topic://sol/eu/orders")]
    [InlineData("sol/eu/orders", SolaceAddressStyle.RabbitMq, "/topic/sol.eu.orders")]
    [InlineData("single", SolaceAddressStyle.RabbitMq, "/topic/single")]
    public void Published_topics_keep_their_levels(string topic, SolaceAddressStyle style, string address) =>
        SolaceAmqpAddresses.Topic(topic, style).ShouldBe(address);

    [Theory]
    [InlineData("sol/*/x", SolaceAddressStyle.Solace, "wildcard")]
    [InlineData("sol/>", SolaceAddressStyle.RabbitMq, "wildcard")]
    [InlineData("sol/v1.2", SolaceAddressStyle.RabbitMq, "'.'")]
    [InlineData("sol//x", SolaceAddressStyle.RabbitMq, "empty level")]
    public void Topics_a_publisher_cannot_use_are_refused(string topic, SolaceAddressStyle style, string reason) =>
        Should.Throw<FormatException>(() => SolaceAmqpAddresses.Topic(topic, style)).Message.ShouldContain(reason);

    [Theory]
    [InlineData("orders/*/created", SolaceAddressStyle.Solace, "topic://orders/*/created")]
    [InlineData("orders/>", SolaceAddressStyle.Solace, "topic://orders/>")]
    [InlineData("ord*/x", SolaceAddressStyle.Solace, "topic://ord*/x")]
    [InlineData("orders/*/created", SolaceAddressStyle.RabbitMq, "/topic/orders.*.created")]
    [InlineData("orders/>", SolaceAddressStyle.RabbitMq, "/topic/orders.#")]
    public void Subscriptions_translate_wildcards_for_the_transport(string subscription, SolaceAddressStyle style, string address) =>
        SolaceAmqpAddresses.Subscription(subscription, style).ShouldBe(address);

    [Theory]
    [InlineData("a/>/b", SolaceAddressStyle.Solace, "last level")]
    [InlineData("a/+/b", SolaceAddressStyle.Solace, "MQTT wildcards")]
    [InlineData("#share/g/a/>", SolaceAddressStyle.Solace, "bind a queue")]
    [InlineData("o*d/x", SolaceAddressStyle.Solace, "not a Solace wildcard")]
    [InlineData("ord*/x", SolaceAddressStyle.RabbitMq, "no RabbitMQ equivalent")]
    public void Subscriptions_the_transport_cannot_express_are_refused(string subscription, SolaceAddressStyle style, string reason) =>
        Should.Throw<FormatException>(() => SolaceAmqpAddresses.Subscription(subscription, style)).Message.ShouldContain(reason);

    [Theory]
    [InlineData("queue://orders", "orders")]
    [InlineData("topic://sol/eu/x", "sol/eu/x")]
    [InlineData("/amq/queue/orders", "orders")]
    [InlineData("/queue/orders", "orders")]
    [InlineData("/topic/sol.eu.x", "sol/eu/x")]
    [InlineData("/exchange/x/k", "exchange/x/k")]
    public void Received_addresses_become_solace_topics_or_queue_names(string address, string topic) =>
        SolaceAmqpAddresses.TopicOf(address).ShouldBe(topic);

    [Theory]
    [InlineData("", SolaceAddressStyle.Solace, "sol/a", "topic://sol/a")]
    [InlineData("topic://out/{topic}", SolaceAddressStyle.RabbitMq, "sol/a", "/topic/out.sol.a")]
    [InlineData("queue://{topic}", SolaceAddressStyle.RabbitMq, "jobs", "/amq/queue/jobs")]
    [InlineData("queue://fixed", SolaceAddressStyle.Solace, "anything", "queue://fixed")]
    public void The_destination_resolves_each_event_topic(string destination, SolaceAddressStyle style, string topic, string address)
    {
        IAmqpAddressing addressing = new SolaceAmqpAddressing(destination, style);
        addressing.Resolve(topic, out var problem).ShouldBe(address);
        problem.ShouldBeNull();
    }

    [Fact]
    public void An_event_the_destination_cannot_take_is_refused_with_the_reason()
    {
        IAmqpAddressing addressing = new SolaceAmqpAddressing("{topic}", SolaceAddressStyle.Solace);
        addressing.Resolve("sol/*/x", out var problem).ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("wildcard level '*'");
        new SolaceAmqpAddressing("queue://{topic}", SolaceAddressStyle.RabbitMq).Resolve("a/b", out problem).ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("'/'");
        Should.Throw<FormatException>(() => new SolaceAmqpAddressing("queue://bad*name", SolaceAddressStyle.Solace));
        Should.Throw<FormatException>(() => new SolaceAmqpAddressing("queue://", SolaceAddressStyle.Solace));
    }
}

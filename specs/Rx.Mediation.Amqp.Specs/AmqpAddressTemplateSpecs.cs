using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

public sealed class AmqpAddressTemplateSpecs
{
    [Theory]
    [InlineData("/queue/{topic}", "orders", "/queue/orders")]
    [InlineData("/exchange/amq.topic/{topic}", "a.b", "/exchange/amq.topic/a.b")]
    [InlineData("{topic}", "jms.queue.orders", "jms.queue.orders")]
    [InlineData("/queue/fixed", "anything", "/queue/fixed")]
    [InlineData("topic://{topic}.events", "orders", "topic://orders.events")]
    public void Resolves_the_topic_into_the_address(string template, string topic, string address) =>
        new AmqpAddressTemplate(template).Resolve(topic).ShouldBe(address);

    [Fact]
    public void A_template_with_a_placeholder_needs_a_topic() => new AmqpAddressTemplate("/queue/{topic}").Resolve("").ShouldBeNull();

    [Theory]
    [InlineData("/queue/{topic}", "/queue/orders", "orders")]
    [InlineData("/queue/{topic}", "/amq/queue/in", "amq/queue/in")]
    [InlineData("{topic}", "/topic/news", "topic/news")]
    [InlineData("topic://{topic}.events", "topic://orders.events", "orders")]
    [InlineData("/queue/fixed", "/queue/fixed", "queue/fixed")]
    public void Reads_a_received_address_back_into_a_topic(string template, string address, string topic) =>
        new AmqpAddressTemplate(template).TopicOf(address).ShouldBe(topic);
}

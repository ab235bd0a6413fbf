using System.Text;
using Rx.Mediation.Events;
using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

public sealed class JmsHeaderMappingSpecs
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void Mapped_headers_become_jms_fields_and_the_rest_application_properties()
    {
        var value = Event.Create("http", "orders", Encoding.UTF8.GetBytes("body"), EventHeaders.From(
            ("message-id", "m-1"), ("correlation-id", "c-1"), ("jms-type", "order.created"), ("content-type", "application/json"),
            ("reply-to", "/queue/replies"), ("jms-delivery-mode", "NON_PERSISTENT"), ("jms-priority", "9"), ("tenant", "acme")), timestamp: At);

        var message = JmsHeaderMapping.ToMessage(value, "/queue/orders", durable: true);

        message.MessageId.ShouldBe("m-1");
        message.CorrelationId.ShouldBe("c-1");
        message.Subject.ShouldBe("order.created");
        message.ContentType.ShouldBe("application/json");
        message.ReplyTo.ShouldBe("/queue/replies");
        message.Address.ShouldBe("/queue/orders");
        message.Durable.ShouldBeFalse();
        message.Priority.ShouldBe((byte)9);
        message.CreationTime.ShouldBe(At.ToUnixTimeMilliseconds());
        message.Properties.ShouldBe([new("tenant", "acme")]);
        Encoding.UTF8.GetString(message.Body.Span).ShouldBe("body");
    }

    [Fact]
    public void Without_headers_the_event_id_is_the_message_id_and_the_endpoint_setting_decides_durability()
    {
        var value = Event.FromText("http", "orders", "x", clientId: "browser-1");

        var message = JmsHeaderMapping.ToMessage(value, "/topic/orders", durable: false);

        message.MessageId.ShouldBe(value.Id);
        message.Durable.ShouldBeFalse();
        message.Priority.ShouldBe(AmqpMessage.DefaultPriority);
        message.Subject.ShouldBeNull();
        message.Properties.ShouldBe([new("sender-client-id", "browser-1")]);
    }

    [Fact]
    public void Subject_wins_over_jms_type_when_both_are_given()
    {
        var value = Event.FromText("http", "t", "x", EventHeaders.From(("jms-type", "a"), ("subject", "b")));
        JmsHeaderMapping.ToMessage(value, "/queue/t", true).Subject.ShouldBe("b");
    }

    [Fact]
    public void A_received_message_becomes_an_event_with_the_jms_headers_and_its_properties()
    {
        var message = new AmqpMessage
        {
            MessageId = "m-9", CorrelationId = "c-9", Subject = "greeting", ContentType = "text/plain", ReplyTo = "/queue/r",
            Durable = true, Priority = 2, CreationTime = At.ToUnixTimeMilliseconds(),
            Properties = [new("tenant", "acme"), new("subject", "from-a-property")], Body = Encoding.UTF8.GetBytes("hello"),
        };

        var value = JmsHeaderMapping.ToEvent("jms", "orders", "/queue/orders", message);

        value.Id.ShouldBe("m-9");
        value.Source.ShouldBe("jms");
        value.Topic.ShouldBe("orders");
        value.Text.ShouldBe("hello");
        value.Timestamp.ShouldBe(At);
        value.Header("message-id").ShouldBe("m-9");
        value.Header("correlation-id").ShouldBe("c-9");
        value.Header("subject").ShouldBe("greeting");
        value.Header("content-type").ShouldBe("text/plain");
        value.Header("reply-to").ShouldBe("/queue/r");
        value.Header("jms-delivery-mode").ShouldBe("PERSISTENT");
        value.Header("jms-priority").ShouldBe("2");
        value.Header("amqp-address").ShouldBe("/queue/orders");
        value.Header("tenant").ShouldBe("acme");
    }

    [Fact]
    public void Headers_survive_a_trip_out_and_back()
    {
        var original = Event.FromText("http", "orders", "payload", EventHeaders.From(
            ("correlation-id", "c"), ("subject", "s"), ("content-type", "text/plain"), ("reply-to", "/queue/r"), ("jms-priority", "7"), ("x-custom", "v")));

        var back = JmsHeaderMapping.ToEvent("jms", "orders", "/queue/orders", JmsHeaderMapping.ToMessage(original, "/queue/orders", true));

        back.Id.ShouldBe(original.Id);
        foreach (var header in original.Headers) back.Header(header.Key).ShouldBe(header.Value);
        back.Header("jms-delivery-mode").ShouldBe("PERSISTENT");
    }

    [Theory]
    [InlineData("PERSISTENT", true)]
    [InlineData("persistent", true)]
    [InlineData("2", true)]
    [InlineData("NON_PERSISTENT", false)]
    [InlineData("non-persistent", false)]
    [InlineData("1", false)]
    [InlineData("sometimes", null)]
    [InlineData(null, null)]
    public void Delivery_mode_accepts_the_jms_names_and_numbers(string? text, bool? durable) =>
        JmsHeaderMapping.ParseDeliveryMode(text).ShouldBe(durable);

    [Theory]
    [InlineData("0", (byte)0)]
    [InlineData("9", (byte)9)]
    [InlineData("-1", null)]
    [InlineData("high", null)]
    [InlineData("300", null)]
    public void Priority_is_a_byte(string text, byte? priority) => JmsHeaderMapping.ParsePriority(text).ShouldBe(priority);
}

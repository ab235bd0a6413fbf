using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>The mapping onto AMQPNetLite's message: every mapped field survives the wire encoding and back.</summary>
public sealed class AmqpMessagesSpecs
{
    [Fact]
    public void Every_mapped_field_survives_encoding_and_decoding()
    {
        var message = new AmqpMessage
        {
            MessageId = "id-1", CorrelationId = "corr-1", Subject = "subject", ContentType = "application/octet-stream",
            ReplyTo = "/queue/replies", Address = "/queue/orders", Durable = true, Priority = 8, CreationTime = 1_767_312_000_123,
            Properties = [new("tenant", "acme"), new("ünïcode", "värde")],
            Body = new byte[] { 0, 1, 2, 255 },
        };

        var decoded = AmqpMessages.FromAmqp(OverTheWire(AmqpMessages.ToAmqp(message)));

        decoded.MessageId.ShouldBe("id-1");
        decoded.CorrelationId.ShouldBe("corr-1");
        decoded.Subject.ShouldBe("subject");
        decoded.ContentType.ShouldBe("application/octet-stream");
        decoded.ReplyTo.ShouldBe("/queue/replies");
        decoded.Address.ShouldBe("/queue/orders");
        decoded.Durable.ShouldBeTrue();
        decoded.Priority.ShouldBe((byte)8);
        decoded.CreationTime.ShouldBe(1_767_312_000_123);
        decoded.Properties.ShouldBe(message.Properties);
        decoded.Body.ToArray().ShouldBe(new byte[] { 0, 1, 2, 255 });
    }

    [Fact]
    public void The_body_goes_out_as_one_data_section_as_a_jms_bytes_message()
    {
        var sent = OverTheWire(AmqpMessages.ToAmqp(new AmqpMessage { Body = Encoding.UTF8.GetBytes("payload") }));

        sent.BodySection.ShouldBeOfType<Data>().Binary.ShouldBe(Encoding.UTF8.GetBytes("payload"));
    }

    [Fact]
    public void An_empty_message_decodes_with_defaults()
    {
        var decoded = AmqpMessages.FromAmqp(OverTheWire(AmqpMessages.ToAmqp(new AmqpMessage())));

        decoded.MessageId.ShouldBeNull();
        decoded.Properties.ShouldBeEmpty();
        decoded.Body.Length.ShouldBe(0);
        decoded.Priority.ShouldBe(AmqpMessage.DefaultPriority);
        decoded.CreationTime.ShouldBe(0);
    }

    [Fact]
    public void A_string_body_is_taken_as_its_utf8_bytes_and_non_string_ids_and_properties_as_text()
    {
        var message = new Message("grüße") { Properties = new Properties(), ApplicationProperties = new ApplicationProperties() };
        message.Properties.SetMessageId(42UL);
        message.Properties.SetCorrelationId(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        message.ApplicationProperties.Map["count"] = 7;
        message.ApplicationProperties.Map["flag"] = true;

        var decoded = AmqpMessages.FromAmqp(OverTheWire(message));

        Encoding.UTF8.GetString(decoded.Body.Span).ShouldBe("grüße");
        decoded.MessageId.ShouldBe("42");
        decoded.CorrelationId.ShouldBe("0f8fad5b-d9cb-469f-a165-70867728950e");
        decoded.Properties.ShouldBe([new("count", "7"), new("flag", "true")]);
    }

    [Fact]
    public void A_map_body_is_a_format_error_naming_what_is_mapped()
    {
        var map = new Message(new Map { ["text"] = "as-a-map" });

        var error = Should.Throw<FormatException>(() => AmqpMessages.FromAmqp(OverTheWire(map)));

        error.Message.ShouldContain("only data, binary and string bodies are mapped");
    }

    private static Message OverTheWire(Message message) => Message.Decode(message.Encode());
}

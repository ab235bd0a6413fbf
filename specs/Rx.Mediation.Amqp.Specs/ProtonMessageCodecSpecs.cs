using System.Text;
using Rx.Mediation.Server.Endpoints.Amqp;
using Rx.Mediation.Server.Endpoints.Amqp.Native;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>The P/Invoke codec over Debian's libqpid-proton-core: every mapped field survives encode → decode.</summary>
public sealed class ProtonMessageCodecSpecs
{
    [Fact]
    public void Every_mapped_field_survives_encoding_and_decoding()
    {
        using var codec = new ProtonMessageCodec();
        var message = new AmqpMessage
        {
            MessageId = "id-1", CorrelationId = "corr-1", Subject = "subject", ContentType = "application/octet-stream",
            ReplyTo = "/queue/replies", Address = "/queue/orders", Durable = true, Priority = 8, CreationTime = 1_767_312_000_123,
            Properties = [new("tenant", "acme"), new("ünïcode", "värde")],
            Body = new byte[] { 0, 1, 2, 255 },
        };

        var bytes = codec.Encode(message);
        var decoded = codec.Decode(bytes, bytes.Length);

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
    public void A_large_body_grows_the_buffer()
    {
        using var codec = new ProtonMessageCodec();
        var body = Encoding.UTF8.GetBytes(new string('x', 1_000_000));
        var bytes = codec.Encode(new AmqpMessage { Body = body });
        codec.Decode(bytes, bytes.Length).Body.Length.ShouldBe(body.Length);
    }

    [Fact]
    public void An_empty_message_decodes_with_defaults()
    {
        using var codec = new ProtonMessageCodec();
        var bytes = codec.Encode(new AmqpMessage());
        var decoded = codec.Decode(bytes, bytes.Length);
        decoded.MessageId.ShouldBeNull();
        decoded.Properties.ShouldBeEmpty();
        decoded.Body.Length.ShouldBe(0);
        decoded.Priority.ShouldBe(AmqpMessage.DefaultPriority);
    }

    [Fact]
    public void A_truncated_message_is_a_format_error()
    {
        using var codec = new ProtonMessageCodec();
        var bytes = codec.Encode(new AmqpMessage { MessageId = "id", Subject = "s", Body = Encoding.UTF8.GetBytes("a body of some length") });
        Should.Throw<FormatException>(() => codec.Decode(bytes, bytes.Length - 5));
    }
}

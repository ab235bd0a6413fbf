using System.Text;
using RabbitMQ.Client;
using Rx.Mediation.Events;
using Rx.Mediation.RabbitMq;

namespace Rx.Mediation.RabbitMq.Specs;

public sealed class MappingSpecs
{
    [Fact]
    public void Well_known_headers_become_basic_properties_and_the_rest_application_headers()
    {
        var value = Event.Create("http", "orders", "x"u8.ToArray(), EventHeaders.From(
            ("Content-Type", "application/json"), ("correlation-id", "c-1"), ("reply-to", "answers"), ("type", "created"),
            ("app-id", "shop"), ("content-encoding", "gzip"), ("expiration", "60000"), ("priority", "5"),
            ("user-id", "mallory"), ("tenant", "acme"), ("amqp-routing-key", "from-elsewhere")));

        var p = RabbitMqMapping.ToProperties(value, persistent: true);

        p.MessageId.ShouldBe(value.Id);
        p.ContentType.ShouldBe("application/json");
        p.CorrelationId.ShouldBe("c-1");
        p.ReplyTo.ShouldBe("answers");
        p.Type.ShouldBe("created");
        p.AppId.ShouldBe("shop");
        p.ContentEncoding.ShouldBe("gzip");
        p.Expiration.ShouldBe("60000");
        p.Priority.ShouldBe((byte)5);
        p.Persistent.ShouldBeTrue();
        p.Timestamp.UnixTime.ShouldBe(value.Timestamp.ToUnixTimeSeconds());
        p.UserId.ShouldBeNull(); // the broker would close the channel for a user-id other than the connection's
        p.Headers!.Keys.ShouldBe(["user-id", "tenant"], ignoreOrder: true);
        p.Headers["tenant"].ShouldBe("acme");
    }

    [Fact]
    public void A_message_id_header_wins_over_the_event_id_and_transient_is_possible()
    {
        var value = Event.FromText("http", "t", "x", EventHeaders.From(("message-id", "given")));
        var p = RabbitMqMapping.ToProperties(value, persistent: false);
        p.MessageId.ShouldBe("given");
        p.Persistent.ShouldBeFalse();
        p.Headers.ShouldBeNull();
    }

    [Fact]
    public void A_delivery_becomes_an_event_with_its_properties_headers_and_metadata()
    {
        var properties = new BasicProperties
        {
            MessageId = "m-1", CorrelationId = "c-1", ContentType = "text/plain", ReplyTo = "r", Type = "t", AppId = "a",
            UserId = "guest", Priority = 3, Timestamp = new AmqpTimestamp(1_700_000_000),
            Headers = new Dictionary<string, object?>
            {
                ["tenant"] = Encoding.UTF8.GetBytes("acme"), ["count"] = 7, ["flag"] = true, ["nested"] = new Dictionary<string, object?>(), ["none"] = null,
            },
        };

        var value = RabbitMqMapping.ToEvent("rabbit", "q", "ex", "orders.created", redelivered: true, properties, "body"u8.ToArray());

        value.Id.ShouldBe("m-1");
        value.Source.ShouldBe("rabbit");
        value.Topic.ShouldBe("orders.created");
        value.Text.ShouldBe("body");
        value.Timestamp.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        value.Headers.ToDictionary(h => h.Key, h => h.Value).ShouldBe(new Dictionary<string, string>
        {
            ["tenant"] = "acme", ["count"] = "7", ["flag"] = "true",
            ["message-id"] = "m-1", ["correlation-id"] = "c-1", ["content-type"] = "text/plain", ["reply-to"] = "r", ["type"] = "t",
            ["app-id"] = "a", ["user-id"] = "guest", ["priority"] = "3",
            ["amqp-exchange"] = "ex", ["amqp-routing-key"] = "orders.created", ["amqp-redelivered"] = "true",
        }, ignoreOrder: true);
    }

    [Fact]
    public void An_empty_routing_key_makes_the_queue_the_topic_and_no_message_id_a_generated_id()
    {
        var value = RabbitMqMapping.ToEvent("rabbit", "inbox", "", "", redelivered: false, new BasicProperties(), ReadOnlyMemory<byte>.Empty);
        value.Topic.ShouldBe("inbox");
        value.Id.ShouldNotBeNullOrEmpty();
        value.Headers.Contains("amqp-redelivered").ShouldBeFalse();
        value.Headers.Contains("amqp-exchange").ShouldBeFalse();
    }

    [Fact]
    public void Headers_survive_a_round_trip_through_the_properties()
    {
        var sent = Event.FromText("http", "orders", "x", EventHeaders.From(("content-type", "text/plain"), ("correlation-id", "c"), ("tenant", "acme")));
        var p = RabbitMqMapping.ToProperties(sent, persistent: true);
        // What the broker hands back: string header values as UTF-8 bytes.
        p.Headers = p.Headers!.ToDictionary(h => h.Key, h => (object?)Encoding.UTF8.GetBytes((string)h.Value!));
        var received = RabbitMqMapping.ToEvent("rabbit", "orders", "", "orders", false, p, sent.Payload);

        received.Id.ShouldBe(sent.Id);
        foreach (var (name, value) in sent.Headers) received.Header(name).ShouldBe(value);
    }
}

using System.Text;
using Confluent.Kafka;
using Rx.Mediation.Events;
using Rx.Mediation.Kafka;

namespace Rx.Mediation.Kafka.Specs;

public sealed class KafkaMessagesSpecs
{
    [Fact]
    public void Event_headers_become_kafka_headers_and_the_key_header_becomes_the_key()
    {
        var value = Event.Create("http", "orders", Encoding.UTF8.GetBytes("body"),
            EventHeaders.From(("trace", "t-1"), ("kafka-key", "order-7"), ("kafka-offset", "12"), ("kafka-partition", "3")));

        var message = KafkaMessages.ToMessage(value);

        Encoding.UTF8.GetString(message.Key!).ShouldBe("order-7");
        Encoding.UTF8.GetString(message.Value).ShouldBe("body");
        message.Headers.Select(h => h.Key).ShouldBe(["trace"]);
        Encoding.UTF8.GetString(message.Headers.GetLastBytes("trace")).ShouldBe("t-1");
    }

    // A delivery report of a message sent by ToMessage carries the event's timestamp as its CreateTime: the sender takes
    // the ack latency from it. A broker's LogAppendTime (or none) is not when the event was stamped.
    [Fact]
    public void A_reports_CreateTime_gives_back_when_the_event_was_stamped_and_a_LogAppendTime_gives_nothing()
    {
        var stamped = new DateTimeOffset(2026, 11, 25, 12, 0, 0, 123, TimeSpan.Zero);
        var sent = KafkaMessages.ToMessage(Event.FromText("http", "orders", "x", timestamp: stamped)).Timestamp;

        KafkaMessages.CreatedAt(sent).ShouldBe(stamped);
        KafkaMessages.CreatedAt(new Timestamp(sent.UnixTimestampMs, TimestampType.LogAppendTime)).ShouldBeNull();
        KafkaMessages.CreatedAt(new Timestamp(0, TimestampType.NotAvailable)).ShouldBeNull();
    }

    [Fact]
    public void A_sender_reuses_the_bytes_of_a_header_value_it_has_just_encoded_and_encodes_a_changed_one_anew()
    {
        var values = new KafkaHeaderValues();
        // Equal content in another string instance, as a value parsed anew for each message would be.
        var first = values.Encode(0, "text/plain");
        var again = values.Encode(0, new string("text/plain".AsSpan()));
        var changed = values.Encode(0, "application/json");
        var elsewhere = values.Encode(1, "text/plain");

        again.ShouldBeSameAs(first);
        Encoding.UTF8.GetString(changed).ShouldBe("application/json");
        changed.ShouldNotBeSameAs(first);
        Encoding.UTF8.GetString(elsewhere).ShouldBe("text/plain");
        Encoding.UTF8.GetString(values.Encode(0, "application/json")).ShouldBe("application/json");
    }

    [Fact]
    public void Messages_made_with_remembered_header_values_carry_the_same_headers_as_those_made_without()
    {
        var values = new KafkaHeaderValues();
        // Position and key headers are left out, so the remembered places follow the headers that are sent; more
        // headers than there are places are encoded each time.
        var many = Enumerable.Range(0, 12).Select(i => ($"h{i}", $"v{i}")).ToArray();
        Event[] events =
        [
            Event.Create("ws", "t", Encoding.UTF8.GetBytes("a"), EventHeaders.From(("kafka-offset", "1"), ("content-type", "text/plain"), ("kafka-key", "k"), ("trace", "t-1"))),
            Event.Create("ws", "t", Encoding.UTF8.GetBytes("b"), EventHeaders.From(("content-type", "text/plain"), ("trace", "t-2"))),
            Event.Create("ws", "t", Encoding.UTF8.GetBytes("c"), EventHeaders.From(many)),
            Event.Create("ws", "t", Encoding.UTF8.GetBytes("d"), EventHeaders.From(("trace", "t-2"), ("content-type", "text/plain"))),
        ];

        foreach (var value in events)
        {
            static string[] Pairs(Message<byte[]?, byte[]> m) => [.. m.Headers.Select(h => $"{h.Key}={Encoding.UTF8.GetString(h.GetValueBytes())}")];
            Pairs(KafkaMessages.ToMessage(value, values: values)).ShouldBe(Pairs(KafkaMessages.ToMessage(value)));
        }
    }

    [Fact]
    public void Without_the_key_header_the_key_is_the_event_id()
    {
        var value = Event.Create("http", "orders", Encoding.UTF8.GetBytes("x"), id: "evt-1");

        Encoding.UTF8.GetString(KafkaMessages.ToMessage(value).Key!).ShouldBe("evt-1");
        Encoding.UTF8.GetString(KafkaMessages.ToMessage(value.WithHeader("id", "k"), keyHeader: "id").Key!).ShouldBe("k");
    }

    [Fact]
    public void A_consumed_message_carries_its_position_key_timestamp_and_headers()
    {
        var headers = new Headers { { "trace", Encoding.UTF8.GetBytes("t-2") }, { "empty", null } };
        var result = new ConsumeResult<byte[]?, byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("news", new Partition(2), new Offset(41)),
            Message = new Message<byte[]?, byte[]>
            {
                Key = Encoding.UTF8.GetBytes("k1"),
                Value = Encoding.UTF8.GetBytes("hello"),
                Headers = headers,
                Timestamp = new Timestamp(1_700_000_000_123, TimestampType.CreateTime),
            },
        };

        var value = KafkaMessages.ToEvent("kafka", result);

        value.Id.ShouldBe("news@2#41");
        value.Source.ShouldBe("kafka");
        value.Topic.ShouldBe("news");
        value.Text.ShouldBe("hello");
        value.Timestamp.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        value.Header("trace").ShouldBe("t-2");
        value.Header("empty").ShouldBe("");
        value.Header("kafka-key").ShouldBe("k1");
        value.Header("kafka-topic").ShouldBe("news");
        value.Header("kafka-partition").ShouldBe("2");
        value.Header("kafka-offset").ShouldBe("41");
        value.Header("kafka-timestamp").ShouldBe("1700000000123");
    }

    [Fact]
    public void A_message_without_key_has_no_key_header_and_its_own_position_wins_over_a_forged_one()
    {
        var result = new ConsumeResult<byte[]?, byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("news", new Partition(0), new Offset(5)),
            Message = new Message<byte[]?, byte[]> { Key = null, Value = [], Headers = new Headers { { "kafka-offset", Encoding.UTF8.GetBytes("999") } } },
        };

        var value = KafkaMessages.ToEvent("kafka", result);

        value.Header("kafka-key").ShouldBeNull();
        value.Header("kafka-offset").ShouldBe("5");
        value.Payload.Length.ShouldBe(0);
    }
}

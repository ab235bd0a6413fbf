using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Kafka;
using Rx.Mediation.Hosting.Entrypoints.Polling;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>Kafka positions as text (SSE ids, poll cursors), the consumer's resume ids and the seam between replay and live.</summary>
public sealed class KafkaPositionsSpecs
{
    [Fact]
    public void One_partition_is_the_event_id_itself()
    {
        KafkaPositions.TryParse("orders@3#41", out var position).ShouldBeTrue();
        position.Offsets.ShouldBe(new Dictionary<string, long> { ["orders@3"] = 41 });
        position.At.ShouldBe(new StreamOffset("orders@3", 41));
        KafkaPositions.Format(position).ShouldBe("orders@3#41");
        KafkaPositions.Format(position).ShouldBe(KafkaMessages.IdOf("orders", 3, 41));
    }

    [Fact]
    public void Several_partitions_and_topics_read_back_with_the_own_position_first()
    {
        KafkaPositions.TryParse("orders@1#40,0#12;audit@0#7", out var position).ShouldBeTrue();
        position.Offsets.ShouldBe(new Dictionary<string, long> { ["orders@0"] = 12, ["orders@1"] = 40, ["audit@0"] = 7 }, ignoreOrder: true);
        position.At.ShouldBe(new StreamOffset("orders@1", 40));
        KafkaPositions.Format(position).ShouldBe("orders@1#40,0#12;audit@0#7");

        // Without an own position: by topic, then partition.
        KafkaPositions.Format(position.WithAt(null)).ShouldBe("audit@0#7;orders@0#12,1#40");
        // Own position in a later topic: that topic comes first.
        KafkaPositions.Format(position.WithAt(new StreamOffset("audit@0", 7))).ShouldBe("audit@0#7;orders@0#12,1#40");
    }

    [Fact]
    public void Minus_one_means_nothing_of_that_partition_yet()
    {
        KafkaPositions.TryParse("orders@1#5,0#-1", out var position).ShouldBeTrue();
        position.Offsets["orders@0"].ShouldBe(-1);
        position.Covers(new StreamOffset("orders@0", 0)).ShouldBeFalse();
        position.Covers(new StreamOffset("orders@1", 5)).ShouldBeTrue();
        position.Covers(new StreamOffset("orders@1", 6)).ShouldBeFalse();
        position.Covers(new StreamOffset("orders@2", 0)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("orders")]
    [InlineData("orders@")]
    [InlineData("orders@0")]
    [InlineData("orders@0#")]
    [InlineData("orders@#5")]
    [InlineData("@0#5")]
    [InlineData("orders@x#1")]
    [InlineData("orders@0#y")]
    [InlineData("orders@-1#5")]
    [InlineData("orders@0#-2")]
    [InlineData("orders@0#1,")]
    [InlineData("orders@0#1,,1#2")]
    [InlineData("orders@0#1, 1#2")]
    [InlineData("orders@0#1,0#2")]
    [InlineData("orders@0#1;orders@1#2")]
    [InlineData("orders@0#1;")]
    [InlineData("bad topic@0#1")]
    [InlineData("orders/eu@0#1")]
    [InlineData("0000000000000001")]
    [InlineData("orders@0#99999999999999999999")]
    public void Anything_else_is_not_a_position(string text)
    {
        KafkaPositions.TryParse(text, out var position).ShouldBeFalse();
        position.ShouldBeNull();
    }

    [Fact]
    public void An_endpoint_owns_positions_of_the_topics_it_consumes_and_positions_of_its_own_events()
    {
        var kafka = Endpoint("orders,audit");

        kafka.TryParsePosition("orders@0#3", out _).ShouldBeTrue();
        kafka.TryParsePosition("orders@0#3;audit@1#2", out _).ShouldBeTrue();
        kafka.TryParsePosition("orders@0#3;news@0#1", out _).ShouldBeFalse("news is not consumed here");
        kafka.TryParsePosition("news@0#1", out _).ShouldBeFalse();
        Endpoint(topics: null).TryParsePosition("orders@0#3", out _).ShouldBeFalse("an endpoint that consumes nothing replays nothing");

        var own = Event.Create("k", "orders", Encoding.UTF8.GetBytes("x"), EventHeaders.From((ResumeIds.Header, "orders@1#4,0#9")), id: "orders@1#4");
        kafka.TryGetPosition(own, out var position).ShouldBeTrue();
        position.At.ShouldBe(new StreamOffset("orders@1", 4));
        position.Offsets["orders@0"].ShouldBe(9);
        // Without the header (a stage removed it) the id still places the event in its own partition.
        kafka.TryGetPosition(own.WithoutHeader(ResumeIds.Header), out var bare).ShouldBeTrue();
        bare.Offsets.Keys.ShouldBe(["orders@1"]);
        // Another node's event that happens to look like a position is not this endpoint's.
        kafka.TryGetPosition(Event.Create("http", "orders", Array.Empty<byte>(), id: "orders@0#1"), out _).ShouldBeFalse();
    }

    [Fact]
    public void The_consumer_stamps_each_event_with_every_assigned_partition_own_first()
    {
        var frontier = new KafkaFrontier();
        frontier.Stamp("orders", 0, 0).ShouldBeNull("with one partition the event id says it all");

        frontier.Seed("orders", 0, -1);
        frontier.Seed("orders", 1, 19);
        frontier.Stamp("orders", 0, 0).ShouldBe("orders@0#0,1#19");
        frontier.Advance("orders", 0, 0);
        frontier.Stamp("orders", 1, 20).ShouldBe("orders@1#20,0#0");
        frontier.Advance("orders", 1, 20);
        frontier.Advance("orders", 1, 7); // never backwards
        frontier.Seed("audit", 0, 3);
        frontier.Stamp("orders", 0, 1).ShouldBe("orders@0#1,1#20;audit@0#3");

        frontier.Remove("orders", 1);
        frontier.Remove("audit", 0);
        frontier.Stamp("orders", 0, 2).ShouldBeNull();
    }

    [Fact]
    public void A_consumed_message_carries_the_stamp_as_its_resume_id_and_a_forged_one_is_replaced()
    {
        var result = new Confluent.Kafka.ConsumeResult<byte[]?, byte[]>
        {
            TopicPartitionOffset = new Confluent.Kafka.TopicPartitionOffset("orders", new Confluent.Kafka.Partition(1), new Confluent.Kafka.Offset(4)),
            Message = new Confluent.Kafka.Message<byte[]?, byte[]> { Value = [], Headers = new Confluent.Kafka.Headers { { ResumeIds.Header, Encoding.UTF8.GetBytes("orders@1#999") } } },
        };

        var stamped = KafkaMessages.ToEvent("k", result, resumeId: "orders@1#4,0#2");
        ResumeIds.Of(stamped).ShouldBe("orders@1#4,0#2");
        stamped.Headers.Count(h => h.Key == ResumeIds.Header).ShouldBe(1);
        ResumeIds.Of(KafkaMessages.ToEvent("k", result)).ShouldBe("orders@1#4");
        // Sent on to Kafka it would be stale: it is not.
        KafkaMessages.ToMessage(stamped).Headers.Any(h => h.Key == ResumeIds.Header).ShouldBeFalse();
    }

    [Fact]
    public void The_seam_drops_what_the_client_has_and_gives_the_whole_position_as_the_id()
    {
        var kafka = Endpoint("orders");
        kafka.TryParsePosition("orders@0#5,1#2", out var start).ShouldBeTrue();
        var seam = new ReplaySeam(kafka, start);

        seam.TryAdmit(Message(0, 5), out _).ShouldBeFalse("offset 5 of partition 0 is covered");
        seam.TryAdmit(Message(1, 1), out _).ShouldBeFalse();
        seam.TryAdmit(Message(1, 3), out var id).ShouldBeTrue();
        id.ShouldBe("orders@1#3,0#5");
        seam.TryAdmit(Message(0, 6, stamp: "orders@0#6,1#0"), out id).ShouldBeTrue();
        id.ShouldBe("orders@0#6,1#3", "a stamp from another consumer never moves a partition back");
        seam.TryAdmit(Message(1, 3), out _).ShouldBeFalse("the same message again, e.g. live after the replay");
        seam.TryAdmit(Message(2, 0), out id).ShouldBeTrue("a partition the position did not name");
        id.ShouldBe("orders@2#0,0#6,1#3");
        seam.Duplicates.ShouldBe(3);

        var web = Event.FromText("http", "orders", "from the web");
        seam.TryAdmit(web, out id).ShouldBeTrue();
        id.ShouldBe(web.Id);

        kafka.TryParsePosition("orders@0#9", out var covered).ShouldBeTrue();
        seam.Cover(covered);
        seam.TryAdmit(Message(0, 9), out _).ShouldBeFalse("covered by a replay that read it, even if a stage filtered it there");
        seam.Position.At.ShouldBe(new StreamOffset("orders@2", 0));
    }

    [Fact]
    public void A_poll_cursor_carries_the_broker_position_url_safe()
    {
        var cursor = new PollCursor(0x1f, 0x2a, "orders@1#40,0#12;audit@0#7");
        var text = cursor.ToString();
        text.ShouldStartWith("1f-2a.");
        text.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
        PollCursor.TryParse(text, out var back).ShouldBeTrue();
        back.ShouldBe(cursor);

        PollCursor.TryParse("1f-2a", out var local).ShouldBeTrue();
        local.Position.ShouldBeNull();
        PollCursor.TryParse("1f-2a.", out _).ShouldBeFalse();
        PollCursor.TryParse("1f-2a.***", out _).ShouldBeFalse();
        PollCursor.TryParse(".b3JkZXJz", out _).ShouldBeFalse();
    }

    private static KafkaEndpoint Endpoint(string? topics) =>
        new(KafkaEndpointOptions.From("k", "Mediation:Endpoints:k", new KafkaSettings { BootstrapServers = "127.0.0.1:9", Topics = topics }), NullLoggerFactory.Instance);

    private static Event Message(int partition, long offset, string? stamp = null) =>
        Event.Create("k", "orders", Encoding.UTF8.GetBytes($"p{partition}o{offset}"),
            stamp is null ? default : EventHeaders.From((ResumeIds.Header, stamp)), id: KafkaMessages.IdOf("orders", partition, offset));
}

using CsCheck;
using Rx.Mediation.Kafka;
using Rx.Mediation.Hosting.Entrypoints.Polling;

namespace Rx.Mediation.Server.Specs.Properties;

public sealed class CursorAndResumeProperties
{
    private static readonly Gen<string> CursorLike = Gen.Frequency(
        (3, IngestGen.Text(40)),
        (3, Gen.Select(Gen.Long, Gen.Long, IngestGen.Text(20), Gen.Bool, (epoch, sequence, position, dotted) =>
            $"{epoch:x}-{sequence:x}{(dotted ? "." + position : "")}")),
        (2, Gen.Select(Gen.Long[0, long.MaxValue], Gen.Long[0, long.MaxValue], IngestGen.ValidText(30), (e, s, p) =>
            new PollCursor(e, s, string.IsNullOrWhiteSpace(p) ? null : p).ToString())));

    private static readonly Gen<string> PositionLike = Gen.Frequency(
        (3, IngestGen.Text(40)),
        (3, Gen.Select(Gen.Char["abcXYZ09._-@#,;"].Array[1, 12], Gen.Int[-2, 3], Gen.Long[-3, 1_000_000], (topic, partition, offset) =>
            $"{new string(topic)}@{partition}#{offset}")),
        (1, Gen.OneOf("orders@1#40,0#12;audit@0#7", "orders@0#-1", "a@0#1;a@1#2", "@0#1", "x@0#", "x@#1", " ", new string('a', 300) + "@0#1")));

    [Fact]
    public void Any_cursor_text_is_refused_or_parsed_and_a_parsed_cursor_writes_back_the_same_cursor() =>
        CursorLike.Sample(text =>
        {
            if (!PollCursor.TryParse(text, out var cursor)) return;
            PollCursor.TryParse(cursor.ToString(), out var again).ShouldBeTrue();
            again.ShouldBe(cursor);
        }, iter: 5000);

    [Fact]
    public void Any_last_event_id_is_refused_or_read_as_a_kafka_position_that_formats_back_to_itself() =>
        PositionLike.Sample(text =>
        {
            if (!KafkaPositions.TryParse(text, out var position)) return;
            var formatted = KafkaPositions.Format(position);
            KafkaPositions.TryParse(formatted, out var again).ShouldBeTrue(formatted);
            again.Offsets.ShouldBe(position.Offsets, ignoreOrder: true);
            again.At.ShouldBe(position.At);
        }, iter: 5000);
}

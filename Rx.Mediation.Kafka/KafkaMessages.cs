using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Rx.Mediation.Connectors;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Event ↔ Kafka message. Event headers travel as Kafka headers (UTF-8 values); the key comes from the key header or
/// the event id. A consumed message carries its position as headers and as its id <c>topic@partition#offset</c>.
/// </summary>
public static class KafkaMessages
{
    public const string TopicHeader = ReceivedHeaders.KafkaTopic;
    public const string PartitionHeader = ReceivedHeaders.KafkaPartition;
    public const string OffsetHeader = ReceivedHeaders.KafkaOffset;
    public const string TimestampHeader = ReceivedHeaders.KafkaTimestamp;
    public const string DefaultKeyHeader = "kafka-key";

    /// <summary>Position headers describe where a consumed message was; sent on, they would be stale, so they are not.</summary>
    private static readonly FrozenSet<string> PositionHeaders =
        new[] { TopicHeader, PartitionHeader, OffsetHeader, TimestampHeader, ResumeIds.Header }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static string IdOf(string topic, int partition, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}@{partition}#{offset}");

    /// <param name="values">Where a sender remembers the bytes of recent header values; null encodes each anew.</param>
    public static Message<byte[]?, byte[]> ToMessage(Event value, string keyHeader = DefaultKeyHeader, KafkaHeaderValues? values = null)
    {
        var headers = new Headers();
        var place = 0;
        foreach (var (name, text) in value.Headers)
        {
            if (PositionHeaders.Contains(name) || string.Equals(name, keyHeader, StringComparison.OrdinalIgnoreCase)) continue;
            headers.Add(name, values is null ? Encoding.UTF8.GetBytes(text) : values.Encode(place, text));
            place++;
        }
        var key = value.Header(keyHeader);
        return new Message<byte[]?, byte[]>
        {
            Key = key is null ? value.IdUtf8() : Encoding.UTF8.GetBytes(key),
            Value = WholeArray(value.Payload) ?? value.Payload.ToArray(),
            Headers = headers,
            Timestamp = new Timestamp(value.Timestamp),
        };
    }

    /// <summary>
    /// When the event behind a produced message was stamped, from a delivery report's timestamp: the CreateTime the
    /// message was sent with (<see cref="ToMessage"/>). Null for a broker's LogAppendTime or no timestamp at all.
    /// </summary>
    public static DateTimeOffset? CreatedAt(Timestamp timestamp) =>
        timestamp.Type == TimestampType.CreateTime ? DateTimeOffset.FromUnixTimeMilliseconds(timestamp.UnixTimestampMs) : null;

    // An event's payload is immutable and Produce copies it into librdkafka: a payload that is a whole array is handed
    // over as it is instead of copied once more per message.
    private static byte[]? WholeArray(ReadOnlyMemory<byte> payload) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : null;

    /// <param name="resumeId">
    /// The positions of every partition the consumer covered, own first (<see cref="KafkaFrontier.Stamp"/>), set as
    /// <see cref="ResumeIds.Header"/>; null when the event's own id is all there is.
    /// </param>
    public static Event ToEvent(string source, ConsumeResult<byte[]?, byte[]> result, string keyHeader = DefaultKeyHeader, string? resumeId = null)
    {
        var message = result.Message;
        var pairs = new List<KeyValuePair<string, string>>();
        if (message.Headers is not null)
        {
            foreach (var header in message.Headers)
            {
                var bytes = header.GetValueBytes();
                pairs.Add(new(header.Key, bytes is null ? "" : Encoding.UTF8.GetString(bytes)));
            }
        }
        var partition = result.Partition.Value;
        var offset = result.Offset.Value;
        pairs.Add(new(TopicHeader, result.Topic));
        pairs.Add(new(PartitionHeader, partition.ToString(CultureInfo.InvariantCulture)));
        pairs.Add(new(OffsetHeader, offset.ToString(CultureInfo.InvariantCulture)));
        DateTimeOffset? timestamp = null;
        if (message.Timestamp.Type != TimestampType.NotAvailable)
        {
            pairs.Add(new(TimestampHeader, message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture)));
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs);
        }
        if (message.Key is { } key) pairs.Add(new(keyHeader, Encoding.UTF8.GetString(key)));
        pairs.RemoveAll(p => string.Equals(p.Key, ResumeIds.Header, StringComparison.OrdinalIgnoreCase));
        if (resumeId is not null) pairs.Add(new(ResumeIds.Header, resumeId));
        return Event.Create(source, result.Topic, message.Value ?? [], EventHeaders.From(pairs), timestamp: timestamp, id: IdOf(result.Topic, partition, offset));
    }
}

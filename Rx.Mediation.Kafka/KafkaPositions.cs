using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Rx.Mediation.Replay;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Kafka positions as text: <c>topic@partition#offset</c> for one partition (an event's id), and for several
/// <c>orders@1#40,0#12;audit@0#7</c> — topics separated by <c>;</c>, each topic's partitions by <c>,</c>. The first
/// entry is the event the position was taken from (<see cref="ReplayPosition.At"/>), the others follow by topic and
/// partition. An offset is that of the last message covered; <c>-1</c> means nothing of that partition yet. None of
/// <c>@ # , ;</c> can occur in a Kafka topic name. A position's streams are named <c>topic@partition</c>.
/// </summary>
public static class KafkaPositions
{
    /// <summary>Longer texts are refused unread: a position of 1,000 partitions is far shorter.</summary>
    public const int MaxLength = 64 * 1024;

    public static string StreamOf(string topic, int partition) => string.Create(CultureInfo.InvariantCulture, $"{topic}@{partition}");

    public static bool TryParseStream(string stream, [NotNullWhen(true)] out string? topic, out int partition)
    {
        topic = null;
        partition = 0;
        var at = stream.LastIndexOf('@');
        if (at <= 0 || !KafkaTopicNames.IsValid(stream[..at])) return false;
        if (!int.TryParse(stream.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partition)) return false;
        topic = stream[..at];
        return true;
    }

    /// <summary>Reads the form above; false for anything else (a partition or topic named twice included).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ReplayPosition? position)
    {
        position = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength) return false;
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var topics = new HashSet<string>(StringComparer.Ordinal);
        StreamOffset? first = null;
        foreach (var segment in text.Trim().Split(';'))
        {
            var at = segment.IndexOf('@');
            if (at <= 0) return false;
            var topic = segment[..at];
            if (!KafkaTopicNames.IsValid(topic) || !topics.Add(topic)) return false;
            foreach (var entry in segment[(at + 1)..].Split(','))
            {
                var hash = entry.IndexOf('#');
                if (hash <= 0) return false;
                if (!int.TryParse(entry.AsSpan(0, hash), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)) return false;
                if (!long.TryParse(entry.AsSpan(hash + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset) || offset < -1) return false;
                var stream = StreamOf(topic, partition);
                if (!offsets.TryAdd(stream, offset)) return false;
                first ??= new StreamOffset(stream, offset);
            }
        }
        position = new ReplayPosition(offsets, first);
        return true;
    }

    public static string Format(ReplayPosition position)
    {
        var byTopic = new SortedDictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
        foreach (var (stream, offset) in position.Offsets)
        {
            if (!TryParseStream(stream, out var topic, out var partition)) throw new ArgumentException($"'{stream}' is not a Kafka stream (topic@partition)", nameof(position));
            if (!byTopic.TryGetValue(topic, out var partitions)) byTopic[topic] = partitions = [];
            partitions[partition] = offset;
        }
        string? ownTopic = null;
        var ownPartition = -1;
        if (position.At is { } own && TryParseStream(own.Stream, out var t, out var p))
        {
            ownTopic = t;
            ownPartition = p;
        }
        return Format(byTopic.Select(pair => (pair.Key, (IEnumerable<KeyValuePair<int, long>>)pair.Value)), ownTopic, ownPartition);
    }

    /// <summary>Writes topics and their partitions' offsets, <paramref name="ownTopic"/>'s <paramref name="ownPartition"/> first.</summary>
    internal static string Format(IEnumerable<(string Topic, IEnumerable<KeyValuePair<int, long>> Partitions)> topics, string? ownTopic, int ownPartition)
    {
        var text = new StringBuilder();
        var ordered = topics.ToList();
        if (ownTopic is not null)
        {
            var own = ordered.FindIndex(x => x.Topic == ownTopic);
            if (own > 0)
            {
                var item = ordered[own];
                ordered.RemoveAt(own);
                ordered.Insert(0, item);
            }
        }
        foreach (var (topic, partitions) in ordered)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(topic).Append('@');
            var list = partitions.ToList();
            if (topic == ownTopic)
            {
                var own = list.FindIndex(x => x.Key == ownPartition);
                if (own > 0)
                {
                    var item = list[own];
                    list.RemoveAt(own);
                    list.Insert(0, item);
                }
            }
            var firstEntry = true;
            foreach (var (partition, offset) in list)
            {
                if (!firstEntry) text.Append(',');
                firstEntry = false;
                text.Append(partition.ToString(CultureInfo.InvariantCulture)).Append('#').Append(offset.ToString(CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }
}

using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Picks the Kafka topic for an outgoing event: the fixed topic if one is set, else the first matching
/// <c>filter=topic</c> pair, else the event's own topic with <c>/</c> turned into <c>.</c>.
/// </summary>
public sealed class KafkaTopicRouter(string? fixedTopic, IReadOnlyList<(TopicPattern Filter, string Topic)> map)
{
    public string? FixedTopic { get; } = fixedTopic;

    public IReadOnlyList<(TopicPattern Filter, string Topic)> Map { get; } = map;

    /// <summary>The topic, or null with <paramref name="error"/> when the event's topic is no valid Kafka topic.</summary>
    public string? Resolve(Event value, out string? error)
    {
        error = null;
        if (FixedTopic is not null) return FixedTopic;
        foreach (var (filter, topic) in Map)
        {
            if (filter.Matches(value.Topic)) return topic;
        }
        var mapped = KafkaTopicNames.FromWebTopic(value.Topic);
        if (KafkaTopicNames.IsValid(mapped)) return mapped;
        error = $"topic '{value.Topic}' is not a valid Kafka topic name (1-{KafkaTopicNames.MaxLength} of [A-Za-z0-9._-]); set Topic or TopicMap";
        return null;
    }
}

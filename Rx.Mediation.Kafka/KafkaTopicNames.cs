namespace Rx.Mediation.Kafka;

/// <summary>Kafka's rule for topic names: 1 to 249 characters from <c>[A-Za-z0-9._-]</c>.</summary>
public static class KafkaTopicNames
{
    public const int MaxLength = 249;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name is not "." and not ".." && name.All(IsAllowed);

    /// <summary>A web topic as a Kafka topic: MQTT-style levels (<c>orders/42</c>) become dot-separated (<c>orders.42</c>).</summary>
    public static string FromWebTopic(string topic) => topic.Replace('/', '.');

    private static bool IsAllowed(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-';
}

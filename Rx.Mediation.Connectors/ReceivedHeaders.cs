namespace Rx.Mediation.Connectors;

/// <summary>
/// Headers a broker connector sets on the events it receives, saying where in the broker they came from. Only
/// connectors set them: the web entrypoints refuse them from clients, so a route can trust them. Named here, beside
/// every connector, so the server reserves them without knowing any connector.
/// </summary>
public static class ReceivedHeaders
{
    public const string KafkaTopic = "kafka-topic";
    public const string KafkaPartition = "kafka-partition";
    public const string KafkaOffset = "kafka-offset";
    public const string KafkaTimestamp = "kafka-timestamp";
    public const string MqttRetain = "mqtt-retain";
    public const string MqttQos = "mqtt-qos";

    /// <summary>AMQP 0-9-1 delivery metadata (<c>amqp-exchange</c>, <c>amqp-routing-key</c>, <c>amqp-redelivered</c>, …).</summary>
    public const string AmqpMetadataPrefix = "amqp-";

    /// <summary>Every name above but the prefixes.</summary>
    public static IReadOnlyList<string> Names { get; } = [KafkaTopic, KafkaPartition, KafkaOffset, KafkaTimestamp, MqttRetain, MqttQos];

    /// <summary>Every header starting with one of these is a received message's broker metadata too.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = [AmqpMetadataPrefix];
}

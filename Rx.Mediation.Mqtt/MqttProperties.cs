namespace Rx.Mediation.Mqtt;

/// <summary>The MQTT 5 PUBLISH properties the endpoint carries, in managed form (see <see cref="MqttHeaders"/>).</summary>
public sealed record MqttProperties
{
    public string? ContentType { get; init; }

    public string? ResponseTopic { get; init; }

    public byte[]? CorrelationData { get; init; }

    /// <summary>Message expiry interval in seconds.</summary>
    public uint? MessageExpiry { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];
}

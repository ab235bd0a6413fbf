using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Rx.Mediation.Mqtt;

/// <summary>MQTT 5 PUBLISH messages for MQTTnet from a topic, a payload and the managed <see cref="MqttProperties"/>.</summary>
internal static class MqttMessages
{
    public static MqttApplicationMessage Create(string topic, byte[] payload, int qos, bool retain, MqttProperties properties)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag(retain);
        if (properties.ContentType is { } contentType) builder.WithContentType(contentType);
        if (properties.ResponseTopic is { } responseTopic) builder.WithResponseTopic(responseTopic);
        if (properties.CorrelationData is { } correlation) builder.WithCorrelationData(correlation);
        if (properties.MessageExpiry is { } expiry) builder.WithMessageExpiryInterval(expiry);
        // User property values are UTF-8 strings on the wire; MQTTnet 5 takes them as bytes.
        foreach (var (name, value) in properties.UserProperties) builder.WithUserProperty(name, (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }
}

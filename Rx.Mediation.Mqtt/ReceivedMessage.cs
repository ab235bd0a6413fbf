using System.Buffers;
using MQTTnet;
using MQTTnet.Packets;

namespace Rx.Mediation.Mqtt;

/// <summary>A PUBLISH from the broker in managed form: what <see cref="MqttHeaders.FromMessage"/> maps to headers.</summary>
public sealed record ReceivedMessage(int Mid, string Topic, byte[] Payload, int Qos, bool Retain, MqttProperties Properties)
{
    internal static ReceivedMessage From(MqttApplicationMessage message, ushort packetIdentifier) => new(
        packetIdentifier,
        message.Topic ?? "",
        message.Payload.ToArray(),
        (int)message.QualityOfServiceLevel,
        message.Retain,
        new MqttProperties
        {
            ContentType = message.ContentType,
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData,
            // MQTT 5 has no expiry of zero seconds: MQTTnet reports an absent property as 0.
            MessageExpiry = message.MessageExpiryInterval > 0 ? message.MessageExpiryInterval : null,
            UserProperties = message.UserProperties is { } user ? [.. user.Select(Pair)] : [],
        });

    private static KeyValuePair<string, string> Pair(MqttUserProperty property) => new(property.Name, property.ReadValueAsString());
}

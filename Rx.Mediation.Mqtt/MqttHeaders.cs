using System.Globalization;
using System.Text;
using Rx.Mediation.Connectors;
using Rx.Mediation.Events;

namespace Rx.Mediation.Mqtt;

/// <summary>
/// Event headers ↔ MQTT 5 PUBLISH metadata. Content type, response topic, correlation data and message expiry have
/// their own properties; every other header is a user property. QoS and retain describe a received message and are
/// not taken from events when sending (the endpoint's <c>Qos</c> and <c>Retain</c> settings decide).
/// </summary>
public static class MqttHeaders
{
    public const string ContentType = "content-type";
    public const string ResponseTopic = "mqtt-response-topic";
    public const string CorrelationId = "correlation-id";
    public const string MessageExpiry = "mqtt-message-expiry";
    public const string Retain = ReceivedHeaders.MqttRetain;
    public const string Qos = ReceivedHeaders.MqttQos;

    private static readonly string[] Reserved = [ContentType, ResponseTopic, CorrelationId, MessageExpiry, Retain, Qos];

    /// <summary>The PUBLISH properties for an event's headers; a malformed <c>mqtt-message-expiry</c> is an error.</summary>
    public static MqttProperties ToProperties(EventHeaders headers)
    {
        uint? expiry = null;
        if (headers.TryGetValue(MessageExpiry, out var expiryText))
        {
            if (!uint.TryParse(expiryText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                throw new FormatException($"header '{MessageExpiry}' must be a number of seconds, got '{expiryText}'");
            expiry = seconds;
        }
        byte[]? correlation = null;
        if (headers.TryGetValue(CorrelationId, out var correlationText))
        {
            correlation = Encoding.UTF8.GetBytes(correlationText);
            if (correlation.Length > ushort.MaxValue) throw new FormatException($"header '{CorrelationId}' is longer than 65,535 bytes");
        }
        var user = new List<KeyValuePair<string, string>>();
        foreach (var header in headers)
        {
            if (!IsReserved(header.Key)) user.Add(header);
        }
        return new MqttProperties
        {
            ContentType = headers[ContentType],
            ResponseTopic = headers[ResponseTopic],
            CorrelationData = correlation,
            MessageExpiry = expiry,
            UserProperties = user,
        };
    }

    /// <summary>The headers of a received message: its user properties (a later duplicate name wins), then the mapped properties.</summary>
    public static EventHeaders FromMessage(ReceivedMessage message)
    {
        var p = message.Properties;
        var headers = EventHeaders.From(p.UserProperties.Where(u => !IsReserved(u.Key)));
        if (p.ContentType is not null) headers = headers.With(ContentType, p.ContentType);
        if (p.ResponseTopic is not null) headers = headers.With(ResponseTopic, p.ResponseTopic);
        if (p.CorrelationData is not null) headers = headers.With(CorrelationId, Encoding.UTF8.GetString(p.CorrelationData));
        if (p.MessageExpiry is { } expiry) headers = headers.With(MessageExpiry, expiry.ToString(CultureInfo.InvariantCulture));
        headers = headers.With(Qos, message.Qos.ToString(CultureInfo.InvariantCulture));
        return headers.With(Retain, message.Retain ? "true" : "false");
    }

    private static bool IsReserved(string name)
    {
        foreach (var reserved in Reserved)
        {
            if (string.Equals(reserved, name, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}

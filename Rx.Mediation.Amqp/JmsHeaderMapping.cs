using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Events;

namespace Rx.Mediation.Amqp;

/// <summary>
/// Event headers ↔ AMQP 1.0 message fields, following the AMQP JMS mapping (what Qpid JMS, Artemis and Azure Service
/// Bus use), so a JMS client sees JMSMessageID, JMSCorrelationID, JMSType, JMSReplyTo, JMSDeliveryMode and JMSPriority.
/// Every other header travels as an application property (a JMS message property), and back.
/// </summary>
public static class JmsHeaderMapping
{
    public const string MessageId = "message-id";
    public const string CorrelationId = "correlation-id";
    public const string Subject = "subject";
    public const string JmsType = "jms-type";
    public const string ContentType = "content-type";
    public const string ReplyTo = "reply-to";
    public const string DeliveryMode = "jms-delivery-mode";
    public const string Priority = "jms-priority";

    /// <summary>Header on received events naming the address (<c>to</c>, or the link's source) the message came from.</summary>
    public const string AddressHeader = "amqp-address";

    public const string Persistent = "PERSISTENT";
    public const string NonPersistent = "NON_PERSISTENT";

    private static readonly HashSet<string> Mapped = new(StringComparer.OrdinalIgnoreCase)
    {
        MessageId, CorrelationId, Subject, JmsType, ContentType, ReplyTo, DeliveryMode, Priority, AddressHeader,
    };

    /// <summary>The message for an event sent to <paramref name="address"/>.</summary>
    /// <param name="durable">The endpoint's <c>Durable</c> setting, used unless the event says otherwise.</param>
    public static AmqpMessage ToMessage(Event value, string address, bool durable)
    {
        var properties = new List<KeyValuePair<string, string>>();
        foreach (var header in value.Headers)
        {
            if (!Mapped.Contains(header.Key)) properties.Add(header);
        }
        // Past a broker the sending web client is a property, as the memory endpoint does it.
        if (value.ClientId is not null && !value.Headers.Contains(MemoryEndpoint.SenderHeader))
            properties.Add(new(MemoryEndpoint.SenderHeader, value.ClientId));
        return new AmqpMessage
        {
            MessageId = NonEmpty(value.Headers[MessageId]) ?? value.Id,
            CorrelationId = NonEmpty(value.Headers[CorrelationId]),
            Subject = NonEmpty(value.Headers[Subject]) ?? NonEmpty(value.Headers[JmsType]),
            ContentType = NonEmpty(value.Headers[ContentType]),
            ReplyTo = NonEmpty(value.Headers[ReplyTo]),
            Address = address,
            Durable = ParseDeliveryMode(value.Headers[DeliveryMode]) ?? durable,
            Priority = ParsePriority(value.Headers[Priority]) ?? AmqpMessage.DefaultPriority,
            CreationTime = value.Timestamp.ToUnixTimeMilliseconds(),
            Properties = properties,
            Body = value.Payload,
        };
    }

    /// <summary>The event for a received message; <paramref name="topic"/> comes from its address.</summary>
    public static Event ToEvent(string source, string topic, string address, AmqpMessage message)
    {
        var pairs = new List<KeyValuePair<string, string>>(message.Properties.Count + 8);
        // Application properties first: the mapped fields below win over a property of the same name.
        pairs.AddRange(message.Properties);
        Add(pairs, MessageId, message.MessageId);
        Add(pairs, CorrelationId, message.CorrelationId);
        Add(pairs, Subject, message.Subject);
        Add(pairs, ContentType, message.ContentType);
        Add(pairs, ReplyTo, message.ReplyTo);
        Add(pairs, AddressHeader, address);
        pairs.Add(new(DeliveryMode, message.Durable ? Persistent : NonPersistent));
        pairs.Add(new(Priority, message.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var timestamp = message.CreationTime > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(message.CreationTime) : (DateTimeOffset?)null;
        return Event.Create(source, topic, message.Body, EventHeaders.From(pairs), timestamp: timestamp, id: NonEmpty(message.MessageId));
    }

    /// <summary><c>PERSISTENT</c>/<c>2</c>/<c>true</c> or <c>NON_PERSISTENT</c>/<c>1</c>/<c>false</c>; null when absent or unknown.</summary>
    public static bool? ParseDeliveryMode(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "PERSISTENT" or "2" or "TRUE" => true,
        "NON_PERSISTENT" or "NON-PERSISTENT" or "NONPERSISTENT" or "1" or "FALSE" => false,
        _ => null,
    };

    /// <summary>JMS priorities are 0–9; AMQP allows 0–255, so larger values are kept as given.</summary>
    public static byte? ParsePriority(string? value) =>
        byte.TryParse(value?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var priority) ? priority : null;

    private static void Add(List<KeyValuePair<string, string>> pairs, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) pairs.Add(new(name, value));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

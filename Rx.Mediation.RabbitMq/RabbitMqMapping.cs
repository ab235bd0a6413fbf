using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using Rx.Mediation.Connectors;
using Rx.Mediation.Events;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// Event headers ↔ AMQP 0-9-1 basic properties. Well-known header names map to the properties of the same meaning
/// (so a web client's content-type becomes the message's content type), every other header is an application header,
/// and a delivery's metadata (exchange, routing key, redelivered) arrives as <c>amqp-*</c> headers.
/// </summary>
public static class RabbitMqMapping
{
    public const string MessageId = "message-id";
    public const string CorrelationId = "correlation-id";
    public const string ContentType = "content-type";
    public const string ContentEncoding = "content-encoding";
    public const string ReplyTo = "reply-to";
    public const string Type = "type";
    public const string AppId = "app-id";
    public const string UserId = "user-id";
    public const string Expiration = "expiration";
    public const string Priority = "priority";
    public const string Exchange = "amqp-exchange";
    public const string RoutingKey = "amqp-routing-key";
    public const string Redelivered = "amqp-redelivered";
    public const string MetadataPrefix = ReceivedHeaders.AmqpMetadataPrefix;

    /// <summary>The properties for sending <paramref name="value"/>; the event id is the message id unless a header gives one.</summary>
    public static BasicProperties ToProperties(Event value, bool persistent)
    {
        var properties = new BasicProperties
        {
            MessageId = value.Id,
            Timestamp = new AmqpTimestamp(value.Timestamp.ToUnixTimeSeconds()),
            DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
        };
        Dictionary<string, object?>? application = null;
        foreach (var (name, text) in value.Headers)
        {
            switch (name.ToLowerInvariant())
            {
                case MessageId: properties.MessageId = text; break;
                case CorrelationId: properties.CorrelationId = text; break;
                case ContentType: properties.ContentType = text; break;
                case ContentEncoding: properties.ContentEncoding = text; break;
                case ReplyTo: properties.ReplyTo = text; break;
                case Type: properties.Type = text; break;
                case AppId: properties.AppId = text; break;
                case Expiration: properties.Expiration = text; break;
                case Priority when byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var priority):
                    properties.Priority = priority;
                    break;
                default:
                    // user-id is checked by the broker against the connection's user, so it would close the channel:
                    // it travels as an application header like the rest. amqp-* describe a delivery we received.
                    if (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase)) break;
                    (application ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = text;
                    break;
            }
        }
        if (application is not null) properties.Headers = application;
        return properties;
    }

    /// <summary>Builds the event for a delivery: topic = routing key (or the queue for an empty one), id = message id.</summary>
    public static Event ToEvent(string source, string queue, string exchange, string routingKey, bool redelivered, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (properties.Headers is { } application)
        {
            foreach (var (name, raw) in application)
            {
                if (ToText(raw) is { } text) headers.Add(new(name, text));
            }
        }
        void Add(string name, string? text)
        {
            if (!string.IsNullOrEmpty(text)) headers.Add(new(name, text));
        }
        Add(MessageId, properties.MessageId);
        Add(CorrelationId, properties.CorrelationId);
        Add(ContentType, properties.ContentType);
        Add(ContentEncoding, properties.ContentEncoding);
        Add(ReplyTo, properties.ReplyTo);
        Add(Type, properties.Type);
        Add(AppId, properties.AppId);
        Add(UserId, properties.UserId);
        Add(Expiration, properties.Expiration);
        if (properties.IsPriorityPresent()) Add(Priority, properties.Priority.ToString(CultureInfo.InvariantCulture));
        Add(Exchange, exchange);
        Add(RoutingKey, routingKey);
        if (redelivered) Add(Redelivered, "true");
        DateTimeOffset? timestamp = properties.IsTimestampPresent() && properties.Timestamp.UnixTime > 0
            ? DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime)
            : null;
        var topic = string.IsNullOrEmpty(routingKey) ? queue : routingKey;
        // The body buffer belongs to the client library only for the duration of the delivery callback.
        return Event.Create(source, topic, body.ToArray(), EventHeaders.From(headers), timestamp: timestamp,
            id: string.IsNullOrEmpty(properties.MessageId) ? null : properties.MessageId);
    }

    /// <summary>An application header's value as text: strings arrive as UTF-8 bytes; tables and arrays are left out.</summary>
    public static string? ToText(object? raw) => raw switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        AmqpTimestamp timestamp => timestamp.UnixTime.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };
}

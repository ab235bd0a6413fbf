using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Rx.Mediation.Amqp;

/// <summary><see cref="AmqpMessage"/> ↔ AMQPNetLite's <see cref="Message"/>: the sections the JMS mapping uses, a data body out.</summary>
internal static class AmqpMessages
{
    public static Message ToAmqp(AmqpMessage value)
    {
        var message = new Message
        {
            Header = new Header { Durable = value.Durable, Priority = value.Priority },
            Properties = new Properties(),
            // A data section: what a JMS client reads as a BytesMessage.
            BodySection = new Data { Binary = value.Body.ToArray() },
        };
        var properties = message.Properties;
        if (value.MessageId is not null) properties.MessageId = value.MessageId;
        if (value.CorrelationId is not null) properties.CorrelationId = value.CorrelationId;
        if (value.Subject is not null) properties.Subject = value.Subject;
        if (value.ContentType is not null) properties.ContentType = value.ContentType;
        if (value.ReplyTo is not null) properties.ReplyTo = value.ReplyTo;
        if (value.Address is not null) properties.To = value.Address;
        if (value.CreationTime > 0) properties.CreationTime = DateTimeOffset.FromUnixTimeMilliseconds(value.CreationTime).UtcDateTime;
        if (value.Properties.Count > 0)
        {
            message.ApplicationProperties = new ApplicationProperties();
            foreach (var (key, text) in value.Properties) message.ApplicationProperties.Map[key] = text;
        }
        return message;
    }

    /// <summary>The mapped parts of a received message; <see cref="FormatException"/> for a body that is not data, binary or a string.</summary>
    public static AmqpMessage FromAmqp(Message message)
    {
        var properties = message.Properties;
        var created = properties?.CreationTime ?? DateTime.MinValue;
        return new AmqpMessage
        {
            MessageId = Text(properties?.GetMessageId()),
            CorrelationId = Text(properties?.GetCorrelationId()),
            Subject = properties?.Subject,
            ContentType = properties?.ContentType,
            ReplyTo = properties?.ReplyTo,
            Address = properties?.To,
            Durable = message.Header?.Durable ?? false,
            Priority = message.Header?.Priority ?? AmqpMessage.DefaultPriority,
            CreationTime = created > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : 0,
            Properties = ApplicationProperties(message.ApplicationProperties),
            Body = Body(message.BodySection),
        };
    }

    private static byte[] Body(RestrictedDescribed? section) => section switch
    {
        null => [],
        Data data => data.Binary ?? [],
        // More than one data section (a sender's own chunking): the body is all of them in order.
        DataList list => Enumerable.Range(0, list.Count).SelectMany(i => list[i].Binary ?? []).ToArray(),
        AmqpValue { Value: null } => [],
        AmqpValue { Value: byte[] bytes } => bytes,
        AmqpValue { Value: string text } => Encoding.UTF8.GetBytes(text),
        AmqpValue { Value: Symbol symbol } => Encoding.UTF8.GetBytes((string)symbol),
        AmqpValue value => throw new FormatException($"the body is an amqp-value of type {value.Value.GetType().Name}; only data, binary and string bodies are mapped (maps, lists and other types are not)"),
        _ => throw new FormatException($"the body is a {section.Descriptor.Name} section; only data, binary and string bodies are mapped"),
    };

    private static List<KeyValuePair<string, string>> ApplicationProperties(ApplicationProperties? section)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (section is null) return pairs;
        foreach (var key in section.Map.Keys)
        {
            if (Text(key) is { } name && Text(section.Map[key]) is { } value) pairs.Add(new(name, value));
        }
        return pairs;
    }

    /// <summary>An AMQP simple value as text (ids may be strings, ulongs, uuids or binaries); null for null or a compound value.</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        Symbol symbol => symbol,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        bool flag => flag ? "true" : "false",
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable and not System.Collections.IEnumerable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };
}

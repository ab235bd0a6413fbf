using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Rx.Mediation.Testing.Brokers;

/// <summary>
/// An AMQP 1.0 client for specs that check the server from outside: AMQPNetLite used directly, not through the
/// endpoint's mapping, as guest on a broker's loopback port. Sends wait for the broker's acceptance; receives accept.
/// </summary>
public static class Amqp10Client
{
    public static async Task SendAsync(int port, string address, int count, string bodyPrefix, Amqp10Fields? fields = null)
    {
        fields ??= new Amqp10Fields();
        var connection = await ConnectAsync(port);
        try
        {
            var sender = new SenderLink(new Session(connection), $"spec-send-{Guid.NewGuid():N}", address);
            for (var n = 0; n < count; n++) await sender.SendAsync(Message(fields, bodyPrefix + n, n));
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>Up to <paramref name="count"/> messages, waiting at most <paramref name="idle"/> for each.</summary>
    public static async Task<List<Amqp10Message>> ReceiveAsync(int port, string address, int count, TimeSpan idle)
    {
        var received = new List<Amqp10Message>();
        var connection = await ConnectAsync(port);
        try
        {
            var receiver = new ReceiverLink(new Session(connection), $"spec-receive-{Guid.NewGuid():N}", address);
            receiver.SetCredit(100);
            while (received.Count < count && await receiver.ReceiveAsync(idle) is { } message)
            {
                received.Add(Read(message));
                receiver.Accept(message);
            }
        }
        finally
        {
            await connection.CloseAsync();
        }
        return received;
    }

    private static Task<Connection> ConnectAsync(int port) =>
        new ConnectionFactory().CreateAsync(new Address("127.0.0.1", port, "guest", "guest", "/", "AMQP"));

    private static Message Message(Amqp10Fields fields, string text, int n)
    {
        var message = fields.Body switch
        {
            Amqp10Body.String => new Message(text),
            Amqp10Body.Map => new Message(new Map { ["text"] = text }),
            _ => new Message { BodySection = new Data { Binary = Encoding.UTF8.GetBytes(text) } },
        };
        message.Header = new Header { Durable = fields.Durable };
        if (fields.Priority is { } priority) message.Header.Priority = priority;
        message.Properties = new Properties
        {
            MessageId = fields.Id is null ? null : $"{fields.Id}-{n}",
            CorrelationId = fields.CorrelationId,
            Subject = fields.Subject,
            ContentType = fields.ContentType,
            ReplyTo = fields.ReplyTo,
        };
        if (fields.Properties.Count > 0)
        {
            message.ApplicationProperties = new ApplicationProperties();
            foreach (var (key, value) in fields.Properties) message.ApplicationProperties.Map[key] = value;
        }
        return message;
    }

    private static Amqp10Message Read(Message message)
    {
        var properties = new Dictionary<string, string>();
        if (message.ApplicationProperties is { } application)
        {
            foreach (var key in application.Map.Keys) properties[Text(key)!] = Text(application.Map[key]) ?? "";
        }
        return new Amqp10Message(
            Text(message.Properties?.GetMessageId()), Text(message.Properties?.GetCorrelationId()), message.Properties?.Subject,
            message.Properties?.ContentType, message.Properties?.ReplyTo, message.Header?.Durable ?? false, message.Header?.Priority ?? 4,
            properties, Text(message.Body));
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

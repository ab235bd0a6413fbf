using System.Text;
using RabbitMQ.Client;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.RabbitMq.Specs.Support;

/// <summary>The clients the specs check the server against: amqp-tools, an AMQP 1.0 client (AMQPNetLite) and a raw RabbitMQ.Client.</summary>
public static class Rabbit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task DeclareQueueAsync(RabbitMqBroker broker, string queue)
    {
        var (code, output) = await ExternalProcess.RunAsync("amqp-declare-queue", ["-u", broker.CliUri, "-d", "-q", queue], Timeout);
        code.ShouldBe(0, output);
    }

    /// <summary>amqp-publish: persistent, to the default exchange unless <paramref name="exchange"/> is given.</summary>
    public static async Task PublishAsync(RabbitMqBroker broker, string routingKey, string body, string? contentType = null, string? replyTo = null, string? exchange = null, params (string Name, string Value)[] headers)
    {
        List<string> arguments = ["-u", broker.CliUri, "-r", routingKey, "-p", "-b", body];
        if (exchange is not null) arguments.AddRange(["-e", exchange]);
        if (contentType is not null) arguments.AddRange(["-C", contentType]);
        if (replyTo is not null) arguments.AddRange(["-t", replyTo]);
        foreach (var (name, value) in headers) arguments.AddRange(["-H", $"{name}: {value}"]);
        var (code, output) = await ExternalProcess.RunAsync("amqp-publish", arguments, Timeout);
        code.ShouldBe(0, output);
    }

    /// <summary>amqp-get: one message body, or null when the queue is empty.</summary>
    public static async Task<string?> GetAsync(RabbitMqBroker broker, string queue)
    {
        var (code, output) = await ExternalProcess.RunAsync("amqp-get", ["-u", broker.CliUri, "-q", queue], Timeout);
        return code == 0 ? output.TrimEnd('\n') : null;
    }

    /// <summary>Messages received (and accepted) over AMQP 1.0 from /amq/queue/NAME by the test kit's outside client.</summary>
    public static Task<List<Amqp10Message>> ReceiveAmqp10Async(RabbitMqBroker broker, string queue, int count) =>
        Amqp10Client.ReceiveAsync(broker.AmqpPort, "/amq/queue/" + queue, count, Timeout);

    /// <summary>Every message now in <paramref name="queue"/>, taken with a raw RabbitMQ.Client (acknowledged).</summary>
    public static async Task<List<BasicGetResult>> DrainAsync(RabbitMqBroker broker, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<BasicGetResult>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) messages.Add(message);
        return messages;
    }

    /// <summary>amqp-tools cannot declare exchanges: a raw client does.</summary>
    public static async Task DeclareExchangeAsync(RabbitMqBroker broker, string exchange, string type, string bindQueue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, type, durable: true);
        await channel.QueueBindAsync(bindQueue, exchange, "");
    }

    public static async Task<int> CountAsync(RabbitMqBroker broker, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (int)await channel.MessageCountAsync(queue);
    }

    public static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);
}

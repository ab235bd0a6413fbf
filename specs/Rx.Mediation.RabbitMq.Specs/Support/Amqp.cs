using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.RabbitMq.Specs.Support;

/// <summary>The independent clients the specs check the server against: amqp-tools, Qpid Proton (AMQP 1.0) and a raw client.</summary>
public static class Amqp
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

    /// <summary>Messages received over AMQP 1.0 by Qpid Proton's Python client from /amq/queue/NAME, as JSON objects.</summary>
    public static async Task<List<JsonElement>> ReceiveAmqp10Async(RabbitMqBroker broker, string queue, int count)
    {
        const string script = """
            import json, sys
            from proton.utils import BlockingConnection
            url, queue, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
            connection = BlockingConnection(url, timeout=30)
            receiver = connection.create_receiver("/amq/queue/" + queue)
            for _ in range(count):
                m = receiver.receive(timeout=30)
                body = m.body.decode() if isinstance(m.body, (bytes, memoryview)) else m.body
                print(json.dumps({"id": str(m.id), "correlation_id": None if m.correlation_id is None else str(m.correlation_id),
                    "content_type": m.content_type, "reply_to": m.reply_to, "durable": m.durable,
                    "properties": {str(k): str(v) for k, v in (m.properties or {}).items()},
                    "annotations": {str(k): str(v) for k, v in (m.annotations or {}).items()}, "body": str(body)}))
                receiver.accept()
            connection.close()
            """;
        var (code, output) = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", script, $"amqp://guest:guest@127.0.0.1:{broker.AmqpPort}", queue, count.ToString()], Timeout);
        code.ShouldBe(0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

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

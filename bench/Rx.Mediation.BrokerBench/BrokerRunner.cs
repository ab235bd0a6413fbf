using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// Per broker, in one process and one broker instance: warm-ups, then <see cref="BenchOptions.Rounds"/> rounds of
/// direct → engine via WebSocket → engine via the in-process source (interleaved, so a disturbance of the shared
/// machine hits all three alike), then the paced round-trip latency.
/// </summary>
internal sealed class BrokerRunner(BenchOptions options)
{
    private readonly byte[] _payload = WebClients.Payload(options.PayloadBytes);

    public async Task<BrokerReport> KafkaAsync()
    {
        const string direct = "bench-tput-direct", engine = "bench-tput-engine", latency = "bench-lat";
        using var cluster = KafkaMockCluster.Start(brokers: 1);
        Console.WriteLine($"kafka: librdkafka mock cluster at {cluster.BootstrapServers}");
        cluster.CreateTopic(direct, partitions: 3);
        cluster.CreateTopic(engine, partitions: 3);
        cluster.CreateTopic(latency, partitions: 1);
        cluster.CreateTopic(TunedLatencyTopic, partitions: 1);
        using var client = new DirectKafka(cluster.BootstrapServers, options.KafkaSettings);
        var report = await RunAsync("kafka",
            count => Task.Run(() => client.Publish(direct, count, _payload)),
            ["Type=kafka", $"BootstrapServers={cluster.BootstrapServers}", $"Topics={latency}", .. options.KafkaSettings],
            engine, latency, latency);
        if (options.LatencyEnabled)
        {
            // The mock cluster answers a fetch only when fetch.wait.max.ms (librdkafka default 500 ms) has passed unless
            // fetch.min.bytes (1) is there already: the default latency is mostly that wait. Once more with a short one.
            const string setting = "fetch.wait.max.ms=10";
            Console.WriteLine($"kafka: latency again with the consumer's {setting}");
            await using var tuned = await EngineServer.StartAsync(
                ["Type=kafka", $"BootstrapServers={cluster.BootstrapServers}", $"Topics={TunedLatencyTopic}", "GroupId=bench-tuned", $"Properties:{setting}"],
                engine, TunedLatencyTopic);
            var measured = await tuned.RoundTripsAsync(TunedLatencyTopic, TunedLatencyTopic, options.LatencyCount, options.LatencyRate, options.LatencyWarmup, options.PayloadBytes);
            Console.WriteLine($"  {measured}");
            report.TunedLatency = (setting, measured);
        }
        return report;
    }

    private const string TunedLatencyTopic = "bench-lat-tuned";

    public async Task<BrokerReport> MqttAsync(MosquittoBroker broker, bool solace)
    {
        var name = solace ? "solace" : "mqtt";
        string direct = $"bench/{name}/direct", engine = $"bench/{name}/engine", latency = $"bench/{name}/lat";
        Console.WriteLine($"{name}: Mosquitto at {broker.Host}:{broker.Port}");
        using var client = new DirectMqtt(broker.Host, broker.Port);
        string[] settings = solace
            ? ["Type=solace", "MessageVpn=default", $"Host={broker.Host}", $"Port={broker.Port}", $"Subscriptions={latency}"]
            : ["Type=mqtt5", $"Host={broker.Host}", $"Port={broker.Port}", $"Subscriptions={latency}"];
        var report = await RunAsync(name, count => Task.Run(() => client.Publish(direct, count, _payload)), settings, engine, latency, latency);
        if (solace) report.DirectFrom = "MQTTnet, as MQTT";
        return report;
    }

    public async Task<BrokerReport> RabbitMqAsync(RabbitMqBroker broker)
    {
        const string direct = "bench-tput-direct", engine = "bench-tput-engine", latency = "bench-lat";
        Console.WriteLine($"rabbitmq: node {broker.NodeName} on port {broker.AmqpPort}");
        await using var client = await DirectRabbitMq.ConnectAsync(broker.Uri);
        await client.DeclareQueuesAsync(direct, engine, latency);
        return await RunAsync("rabbitmq",
            count => client.PublishAsync(direct, count, _payload),
            ["Type=rabbitmq", $"Uri={broker.Uri}", $"Queues={latency}"],
            engine, latency, latency,
            between: () => client.PurgeAsync(direct, engine));
    }

    public async Task<BrokerReport> AmqpAsync(RabbitMqBroker broker)
    {
        const string direct = "bench-amqp-direct", engine = "bench-amqp-engine", latency = "bench-amqp-lat";
        Console.WriteLine($"amqp10: RabbitMQ's AMQP 1.0 plugin on port {broker.AmqpPort}");
        await using var admin = await DirectRabbitMq.ConnectAsync(broker.Uri);
        await admin.DeclareQueuesAsync(direct, engine, latency);
        return await RunAsync("amqp10",
            count => Task.Run(() => DirectAmqp.Send("127.0.0.1", broker.AmqpPort, $"/amq/queue/{direct}", count, _payload)),
            ["Type=amqp10", "Host=127.0.0.1", $"Port={broker.AmqpPort}", "Address=/amq/queue/{topic}", $"Receive=/amq/queue/{latency}"],
            engine, latency, latency,
            between: () => admin.PurgeAsync(direct, engine));
    }

    /// <summary>WebSocket and POST into a counting target: what the web ingress and the engine take with no broker.</summary>
    public async Task<(Throughput Ws, Throughput Post)> IngressCeilingAsync()
    {
        Console.WriteLine("ingress: web entrypoints into a counting target (no broker)");
        await using var server = await EngineServer.StartAsync(["Type=memory"], "bench-unused", "bench-unused-lat");
        var count = options.Messages.Values.Max();
        await server.WebSocketsToNullAsync(options.Warmup ?? count / 10, options.Connections, _payload);
        await server.PostsToNullAsync(Math.Min(options.Warmup ?? count / 10, 3_000), options.PostConcurrency, _payload);
        Throughput? ws = null, post = null;
        for (var round = 0; round < options.Rounds; round++)
        {
            var w = await ProcessCpu.MeasureAsync(() => server.WebSocketsToNullAsync(count, options.Connections, _payload));
            Console.WriteLine($"  {w}");
            if (ws is null || w.PerSecond > ws.PerSecond) ws = w;
            var p = await ProcessCpu.MeasureAsync(() => server.PostsToNullAsync(Math.Min(count, 30_000), options.PostConcurrency, _payload));
            Console.WriteLine($"  {p}");
            if (post is null || p.PerSecond > post.PerSecond) post = p;
        }
        return (ws!, post!);
    }

    private async Task<BrokerReport> RunAsync(string broker, Func<int, Task<Throughput>> direct, string[] endpointSettings,
        string engineTopic, string latencyPublishTopic, string latencyReceiveTopic, Func<Task>? between = null)
    {
        var report = new BrokerReport(broker);
        var count = options.Messages[broker];
        var warmup = options.Warmup ?? count / 10;
        Console.WriteLine($"{broker}: warming up ({warmup} messages per path)");
        if (options.Cases.Contains("direct")) await direct(warmup);
        await using var server = await EngineServer.StartAsync(endpointSettings, engineTopic, latencyPublishTopic);
        if (options.Cases.Contains("ws")) await server.ThroughWebSocketsAsync(engineTopic, warmup, options.Connections, _payload);
        if (options.Cases.Contains("inproc")) await server.ThroughSourceAsync(engineTopic, warmup, _payload);
        if (options.Cases.Contains("endpoint")) await server.StraightToEndpointAsync(engineTopic, warmup, _payload);
        if (between is not null) await between();

        for (var round = 1; round <= options.Rounds; round++)
        {
            Console.WriteLine($"{broker}: round {round} of {options.Rounds}, {count:N0} messages per case");
            if (options.Cases.Contains("direct"))
            {
                var d = await ProcessCpu.MeasureAsync(() => direct(count));
                report.Direct.Add(d);
                Console.WriteLine($"  {d}");
                if (between is not null) await between();
            }
            if (options.Cases.Contains("ws"))
            {
                var start = ProcessCpu.Sample.Take();
                var (e, ingress) = await server.ThroughWebSocketsAsync(engineTopic, count, options.Connections, _payload);
                e = start.Apply(e);
                report.EngineWs.Add(e);
                report.WsIngress.Add(ingress);
                Console.WriteLine($"  {e}");
                Console.WriteLine($"  {ingress}");
                if (between is not null) await between();
            }
            if (options.Cases.Contains("inproc"))
            {
                var s = await ProcessCpu.MeasureAsync(() => server.ThroughSourceAsync(engineTopic, count, _payload));
                report.EngineInProcess.Add(s);
                Console.WriteLine($"  {s}");
                if (between is not null) await between();
            }
            if (options.Cases.Contains("endpoint"))
            {
                var o = await ProcessCpu.MeasureAsync(() => server.StraightToEndpointAsync(engineTopic, count, _payload));
                report.EndpointOnly.Add(o);
                Console.WriteLine($"  {o}");
                if (between is not null) await between();
            }
        }

        if (options.LatencyEnabled)
        {
            Console.WriteLine($"{broker}: latency, {options.LatencyCount} round trips at {options.LatencyRate}/s");
            report.Latency = await server.RoundTripsAsync(latencyPublishTopic, latencyReceiveTopic, options.LatencyCount, options.LatencyRate, options.LatencyWarmup, options.PayloadBytes);
            Console.WriteLine($"  {report.Latency}");
        }
        Console.WriteLine($"  endpoint counters: {server.Counters}");
        if (server.Counters.Dropped > 0 || server.Counters.Failed > 0)
            report.Notes.Add($"endpoint counters after the run: {server.Counters}");
        if (between is not null) await between();
        return report;
    }
}

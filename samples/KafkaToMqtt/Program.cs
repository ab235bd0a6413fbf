using KafkaToMqtt;

// dotnet run --project samples/KafkaToMqtt -- [kafka bootstrap servers] [mqtt host] [mqtt port]
var bridge = new OrdersBridge(
    KafkaServers: args.ElementAtOrDefault(0) ?? "127.0.0.1:9092",
    MqttHost: args.ElementAtOrDefault(1) ?? "127.0.0.1",
    MqttPort: int.TryParse(args.ElementAtOrDefault(2), out var port) ? port : 1883);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop gracefully: what the route accepted is still published
    stop.Cancel();
};
Console.WriteLine($"Kafka topic 'orders' on {bridge.KafkaServers} → urgent orders in batches → MQTT {bridge.MqttHost}:{bridge.MqttPort}; Ctrl+C stops");
await bridge.RunAsync(stop.Token);
Console.WriteLine("stopped");

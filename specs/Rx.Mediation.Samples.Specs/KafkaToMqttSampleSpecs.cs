using KafkaToMqtt;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Samples.Specs;

/// <summary>
/// The library-only program of README (samples/KafkaToMqtt: core, operators, the Kafka and MQTT connectors, no server)
/// against librdkafka's mock cluster and a real Mosquitto, cross-checked with kcat and mosquitto_sub.
/// </summary>
public sealed class KafkaToMqttSampleSpecs
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Urgent_orders_produced_to_kafka_reach_mqtt_as_json_batches_the_routine_one_does_not_and_the_program_stops_gracefully()
    {
        using var kafka = KafkaMockCluster.Start();
        kafka.CreateTopic("orders");
        await using var mqtt = await MosquittoBroker.StartAsync();
        await using var subscriber = mqtt.Subscribe("-i", "sample-check", "-q", "1", "-t", "orders", "-t", "sample/probe");
        await mqtt.WaitUntilSubscribedAsync(subscriber, "sample/probe");

        // In partition order: the routine order comes between the two urgent ones, so once the second urgent order is
        // published the routine one has been decided too.
        await KafkaCat.ProduceAsync(kafka.BootstrapServers, "orders", ["urgent-1"], headers: [("priority", "urgent")]);
        await KafkaCat.ProduceAsync(kafka.BootstrapServers, "orders", ["routine-2"], headers: [("priority", "routine")]);
        await KafkaCat.ProduceAsync(kafka.BootstrapServers, "orders", ["urgent-3"], headers: [("priority", "urgent")]);

        using var stop = new CancellationTokenSource();
        var running = new OrdersBridge(kafka.BootstrapServers, mqtt.Host, mqtt.Port).RunAsync(stop.Token);
        try
        {
            var bothArrived = await subscriber.WaitForOutputAsync(_ => Published().Contains("urgent-3"), Patience);
            bothArrived.ShouldBeTrue($"mosquitto_sub saw: {subscriber.Output}");
        }
        finally
        {
            stop.Cancel();
        }
        await running.WaitAsync(Patience);

        var batches = subscriber.Lines.Where(l => l.StartsWith("orders|", StringComparison.Ordinal)).ToList();
        batches.ShouldAllBe(l => l.Split('|')[1].StartsWith('['), "each MQTT message is one JSON array of a batch");
        Published().ShouldContain("urgent-1");
        Published().ShouldNotContain("routine-2");

        string Published() => string.Join('\n', subscriber.Lines.Where(l => l.StartsWith("orders|", StringComparison.Ordinal)));
    }
}

using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>The sender's MaxInFlight window: full, it waits for delivery reports and goes on; nothing is lost or repeated.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSendWindowSpecs(KafkaCluster cluster)
{
    [Fact]
    public async Task A_burst_far_larger_than_MaxInFlight_reaches_kafka_complete()
    {
        const int total = 3000;
        var topic = Unique("window");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        await using var server = await RunningServer.StartAsync(Endpoint("k", cluster.BootstrapServers, $"Topic={topic}", "MaxInFlight=7"));
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");

        // Handed over at once, as a route's drain does: the window fills at once and must reopen from delivery reports.
        for (var n = 0; n < total; n++) kafka.OnNext(Event.FromText("spec", topic, $"w{n:D4}"));

        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == total, $"Kafka acknowledged the whole burst ({kafka.Counters})", TimeSpan.FromSeconds(60));
        kafka.Counters.Failed.ShouldBe(0);
        kafka.Counters.Dropped.ShouldBe(0);
        kafka.Counters.Published.ShouldBe(total);
        var messages = await KafkaCat.ReadAllAsync(cluster.BootstrapServers, topic);
        messages.Select(m => m.Payload).ShouldBe(Enumerable.Range(0, total).Select(n => $"w{n:D4}"));
    }
}

using Rx.Mediation.Nodes;
using Rx.Mediation.Kafka;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>
/// The endpoint's outbound queue holds its routes back at half its capacity: with the broker down, what does not fit
/// waits in the route's bridge instead of being dropped by the endpoint (the broker is librdkafka's mock cluster, set
/// down and up as in <see cref="KafkaReliabilitySpecs"/>).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaPressureSpecs
{
    [Fact]
    public async Task With_the_broker_down_a_small_outbound_queue_holds_the_route_back_and_nothing_is_dropped()
    {
        using var own = KafkaMockCluster.Start(brokers: 1);
        const string topic = "pressure";
        own.CreateTopic(topic, partitions: 1);
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint("k", own.BootstrapServers, $"Topic={topic}", "OutboundCapacity=40", "MaxInFlight=5"),
            .. Route("toKafka", "http[pressure]", "k"),
        ]);
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");
        var route = server.Engine.Routes.Single(r => r.Name == "toKafka");

        own.SetDown();
        const int total = 200;
        var accepted = await PostLoad.AllAcceptedAsync(server, topic, total);

        // 5 handed to librdkafka (MaxInFlight) and 20 queued (half of OutboundCapacity): the route holds the other 175.
        await HeldBack.ShouldHoldAsync(route, kafka.Pressure, kafka.Counters, held: total - 25, pending: 20);
        kafka.Counters.Published.ShouldBe(5);

        own.SetUp();
        await HeldBack.ShouldDeliverAllAsync(route, kafka.Pressure, kafka.Counters, total, TimeSpan.FromSeconds(120));
        var stored = (await KafkaCat.ReadAllAsync(own.BootstrapServers, topic)).Select(m => m.Payload!).ToList();
        stored.Order().ShouldBe(accepted.Order());
    }

    [Theory]
    [InlineData(10_000, 512)]
    [InlineData(40, 20)]
    [InlineData(1, 1)]
    public void Routes_are_held_back_at_half_the_queue_at_most_512_and_resumed_once_it_is_empty(int queueCapacity, int holdAt)
    {
        var pressure = KafkaEndpoint.HoldBackMarks(queueCapacity);
        pressure.HighWater.ShouldBe(holdAt);
        pressure.LowWater.ShouldBe(0);
    }
}

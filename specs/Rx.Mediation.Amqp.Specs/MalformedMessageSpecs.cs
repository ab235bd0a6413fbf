using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>Bodies the endpoint maps (data, string) and one it does not (a map), from a client outside the server.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class MalformedMessageSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task A_string_body_is_taken_as_text_and_a_map_body_is_rejected_without_blocking_the_queue()
    {
        await broker.DeclareQueueAsync("rx-bodies");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsbodies", "Receive=/amq/queue/rx-bodies"),
            "--Mediation:Routes:bodies:Sources=jmsbodies", "--Mediation:Routes:bodies:Targets=sse"]);
        await server.HealthyAsync("jmsbodies");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=amq/queue/rx-bodies"));

        await broker.SendAsync("/amq/queue/rx-bodies", 1, "as-a-map-", new Amqp10Fields { Id = "map", Body = Amqp10Body.Map });
        await broker.SendAsync("/amq/queue/rx-bodies", 1, "as-a-string-", new Amqp10Fields { Id = "string", Body = Amqp10Body.String });

        var message = await sse.NextAsync(TimeSpan.FromSeconds(30));
        message.Id.ShouldBe("string-0");
        message.Data.ShouldBe("as-a-string-0");
        var endpoint = server.Amqp("jmsbodies");
        await Eventually.TrueAsync(() => endpoint.Counters.Received == 2 && endpoint.Counters.Accepted == 1, $"one taken, one rejected ({endpoint.Counters})");
        // REJECTED is final: RabbitMQ drops (or dead-letters) it instead of redelivering it forever.
        await Eventually.TrueAsync(() => broker.QueueDepthAsync("rx-bodies").GetAwaiter().GetResult() == (0, 0), "the queue is empty");
    }
}

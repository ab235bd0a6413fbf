using Rx.Mediation.Nodes;
using Rx.Mediation.RabbitMq.Specs.Support;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs;

/// <summary>
/// The endpoint's outbound queue holds its routes back at half its capacity: with the broker down, what does not fit
/// waits in the route's bridge instead of being dropped by the endpoint (the collection's node, killed and restarted as
/// in <see cref="ReliabilitySpecs"/>).
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class PressureSpecs(RabbitMqFixture rabbit)
{
    [Fact]
    public async Task With_the_broker_down_a_small_outbound_queue_holds_the_route_back_and_nothing_is_dropped()
    {
        var queue = RabbitMqFixture.UniqueName("pressure");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit", "OutboundCapacity=40", "MaxInFlight=5"),
             $"--Mediation:Routes:toRabbit:Sources=http[{queue}]", "--Mediation:Routes:toRabbit:Targets=rabbit"]);
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, "the endpoint is connected");
        var route = server.Engine.Routes.Single(r => r.Name == "toRabbit");

        try
        {
            await rabbit.Broker.KillAsync();
            await Eventually.TrueAsync(() => endpoint.Health != NodeHealth.Healthy, "the endpoint noticed the crash", TimeSpan.FromSeconds(30));
            const int total = 200;
            var accepted = await PostLoad.AllAcceptedAsync(server, queue, total);

            // Nothing is taken from the queue while there is no channel to publish on: 20 (half of OutboundCapacity)
            // wait in the queue, the route holds the other 180.
            await HeldBack.ShouldHoldAsync(route, endpoint.Pressure, endpoint.Counters, held: total - 20, pending: 20);
            endpoint.Counters.Acknowledged.ShouldBe(0);

            await rabbit.Broker.RestartAsync();
            await HeldBack.ShouldDeliverAllAsync(route, endpoint.Pressure, endpoint.Counters, total, TimeSpan.FromSeconds(45));

            // Nothing was published before the broker came back, so each accepted event is in the queue exactly once.
            var bodies = (await Rabbit.DrainAsync(rabbit.Broker, queue)).Select(m => Rabbit.Text(m.Body)).ToList();
            bodies.Order().ShouldBe(accepted.Order());
        }
        finally
        {
            if (!rabbit.Broker.IsRunning) await rabbit.Broker.RestartAsync();
        }
    }
}

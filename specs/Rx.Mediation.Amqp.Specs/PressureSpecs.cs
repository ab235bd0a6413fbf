using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>
/// The endpoint's outbound queue holds its routes back at half its capacity: with the broker down, what does not fit
/// waits in the route's bridge instead of being dropped by the endpoint (the collection's node, killed and restarted as
/// in <see cref="BrokerRestartSpecs"/>).
/// </summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class PressureSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task With_the_broker_down_a_small_outbound_queue_holds_the_route_back_and_nothing_is_dropped()
    {
        await broker.DeclareQueueAsync("rx-pressure");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmspressure", "Address=/amq/queue/rx-pressure", "OutboundCapacity=40", "MaxInFlight=5"),
            "--Mediation:Routes:pressure:Sources=http[pressure]", "--Mediation:Routes:pressure:Targets=jmspressure"]);
        await server.HealthyAsync("jmspressure");
        var endpoint = server.Amqp("jmspressure");
        var route = server.Engine.Routes.Single(r => r.Name == "pressure");

        try
        {
            await broker.Broker.KillAsync();
            await Eventually.TrueAsync(() => endpoint.Health != NodeHealth.Healthy, "the endpoint noticed the crash", TimeSpan.FromSeconds(30));
            const int total = 200;
            var accepted = await PostLoad.AllAcceptedAsync(server, "pressure", total);

            // Without a connection the loop takes nothing from the queue: 20 (half of OutboundCapacity) wait there and the
            // route holds the other 180.
            await HeldBack.ShouldHoldAsync(route, endpoint.Pressure, endpoint.Counters, held: total - 20, pending: 20);
            endpoint.Pending.ShouldBe(20);
            endpoint.Counters.Published.ShouldBe(0);

            await broker.Broker.RestartAsync();
            await HeldBack.ShouldDeliverAllAsync(route, endpoint.Pressure, endpoint.Counters, total, TimeSpan.FromSeconds(45));

            // Nothing was sent before the broker came back, so each accepted event is in the queue exactly once.
            var received = await broker.ReceiveAsync("/amq/queue/rx-pressure", total * 2, TimeSpan.FromSeconds(3));
            received.Select(m => m.Body).Order().ShouldBe(accepted.Order(), "each accepted event exactly once");
        }
        finally
        {
            if (!broker.Broker.IsRunning) await broker.Broker.RestartAsync();
        }
    }
}

using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>Stopping the server flushes what the endpoint holds to the broker first.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class ShutdownSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task Events_accepted_just_before_stopping_reach_the_broker()
    {
        const int total = 200;
        await broker.DeclareQueueAsync("rx-stop");
        var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsstop", "Address=/amq/queue/rx-stop"),
            "--Mediation:Routes:stop:Sources=http[stop]", "--Mediation:Routes:stop:Targets=jmsstop"]);
        var ids = new List<string>();
        var endpoint = server.Amqp("jmsstop");
        try
        {
            await server.HealthyAsync("jmsstop");
            for (var n = 0; n < total; n++) ids.Add(await server.PostAcceptedAsync("stop", $"last-{n}"));
        }
        finally
        {
            await server.DisposeAsync();
        }
        endpoint.Counters.Acknowledged.ShouldBe(total, endpoint.Counters.ToString());

        var received = await broker.ReceiveAsync("/amq/queue/rx-stop", total, TimeSpan.FromSeconds(5));
        received.Select(m => m.Id).ShouldBe(ids, ignoreOrder: true);
    }
}

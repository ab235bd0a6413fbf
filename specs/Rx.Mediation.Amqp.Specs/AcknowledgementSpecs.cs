using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>A received message is settled only after the routes took it: refused ones stay on the broker.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class AcknowledgementSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task Messages_the_routes_refuse_stay_on_the_broker_and_are_redelivered_once_the_route_accepts_again()
    {
        const int total = 20;
        await broker.DeclareQueueAsync("rx-held");
        var target = new RecordingNode("held-target", blocked: true);
        await using var server = await RunningServer.StartAsync(
            broker.Endpoint("jmsheld", "Receive=/amq/queue/rx-held", "Credit=5", "RedeliveryDelay=00:00:00.100"),
            builder =>
            {
                builder.Nodes.Add(target);
                builder.Routes =
                [
                    new RouteDefinition
                    {
                        Name = "held",
                        Sources = [new SourceBinding("jmsheld")],
                        Targets = ["held-target"],
                        Bridge = new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.DropNew, RetryAfter = TimeSpan.FromMilliseconds(100) },
                    },
                ];
            });
        await server.HealthyAsync("jmsheld");
        var endpoint = server.Amqp("jmsheld");

        await broker.SendAsync("/amq/queue/rx-held", total, "held-", new { id = "held" });

        await Eventually.TrueAsync(() => endpoint.Counters.Redelivered >= 5, $"the routes refused messages ({endpoint.Counters})");
        target.Count.ShouldBe(0);
        // Only what the blocked route holds (its bridge and the event in its target) was acknowledged; the rest is on the broker.
        var onBroker = -1;
        long acknowledged = -1;
        await Eventually.TrueAsync(() =>
        {
            acknowledged = endpoint.Counters.Accepted;
            var (ready, unacknowledged) = broker.QueueDepthAsync("rx-held").GetAwaiter().GetResult();
            onBroker = ready + unacknowledged;
            return acknowledged == endpoint.Counters.Accepted && onBroker == total - acknowledged;
        }, $"the broker keeps every message not accepted (on broker {onBroker}, accepted {acknowledged})", TimeSpan.FromSeconds(30));
        acknowledged.ShouldBeLessThanOrEqualTo(3);

        target.Release();

        await Eventually.TrueAsync(() => target.Received.Select(e => e.Id).Distinct().Count() == total,
            $"every message reached the target once it accepted again ({endpoint.Counters}, target has {target.Count})", TimeSpan.FromSeconds(60));
        target.Received.Select(e => e.Text).Distinct().Order().ShouldBe(Enumerable.Range(0, total).Select(n => $"held-{n}").Order());
        await Eventually.TrueAsync(() => broker.QueueDepthAsync("rx-held").GetAwaiter().GetResult() == (0, 0), "the queue is empty", TimeSpan.FromSeconds(30));
    }
}

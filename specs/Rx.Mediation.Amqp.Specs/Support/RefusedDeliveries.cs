using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.Amqp.Specs.Support;

/// <summary>
/// The settlement scenario both AMQP 1.0 endpoint flavours (<c>amqp10</c> and <c>solace</c>) must pass: a route whose
/// target is blocked refuses what its one-slot bridge cannot take, so those messages are released and stay on the
/// broker; once the target accepts again, every message arrives and the queue empties.
/// </summary>
internal static class RefusedDeliveries
{
    /// <param name="endpointSettings">Server settings for endpoint <paramref name="endpoint"/>, receiving from <paramref name="queue"/> with <paramref name="credit"/>.</param>
    public static async Task StayOnTheBrokerUntilAcceptedAsync(AmqpBrokerFixture broker, string queue, string endpoint, string[] endpointSettings, int credit, int total)
    {
        await broker.DeclareQueueAsync(queue);
        var target = new RecordingNode($"{endpoint}-target", blocked: true);
        await using var server = await RunningServer.StartAsync(
            endpointSettings,
            builder =>
            {
                builder.Nodes.Add(target);
                builder.Routes =
                [
                    new RouteDefinition
                    {
                        Name = $"{endpoint}-held",
                        Sources = [new SourceBinding(endpoint)],
                        Targets = [target.Name],
                        Bridge = new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.DropNew, RetryAfter = TimeSpan.FromMilliseconds(100) },
                    },
                ];
            });
        await server.HealthyAsync(endpoint);
        var amqp = server.Amqp(endpoint);

        await broker.SendAsync($"/amq/queue/{queue}", total, "held-", new Amqp10Fields { Id = queue });

        await Eventually.TrueAsync(() => amqp.Counters.Redelivered >= credit, $"the routes refused messages ({amqp.Counters})");
        target.Count.ShouldBe(0);
        // Only what the blocked route holds (its bridge and the event in its target) was accepted; the rest is on the broker.
        var onBroker = -1;
        long accepted = -1;
        await Eventually.TrueAsync(() =>
        {
            accepted = amqp.Counters.Accepted;
            var (ready, unacknowledged) = broker.QueueDepthAsync(queue).GetAwaiter().GetResult();
            onBroker = ready + unacknowledged;
            return accepted == amqp.Counters.Accepted && onBroker == total - accepted;
        }, $"the broker keeps every message not accepted (on broker {onBroker}, accepted {accepted})", TimeSpan.FromSeconds(30));
        accepted.ShouldBeLessThanOrEqualTo(3);

        target.Release();

        await Eventually.TrueAsync(() => target.Received.Select(e => e.Id).Distinct().Count() == total,
            $"every message reached the target once it accepted again ({amqp.Counters}, target has {target.Count})", TimeSpan.FromSeconds(60));
        target.Received.Select(e => e.Text).Distinct().Order().ShouldBe(Enumerable.Range(0, total).Select(n => $"held-{n}").Order());
        await Eventually.TrueAsync(() => broker.QueueDepthAsync(queue).GetAwaiter().GetResult() == (0, 0), "the queue is empty", TimeSpan.FromSeconds(30));
    }
}

using System.Net;
using System.Text.Json;
using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>The broker crashes (SIGKILL) while events flow and comes back on the same port.</summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class BrokerRestartSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task Every_event_the_engine_accepted_arrives_at_least_once_after_a_broker_crash_and_restart()
    {
        const int total = 1000;
        await broker.DeclareQueueAsync("rx-restart");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsrestart", "Address=/amq/queue/rx-restart"),
            "--Mediation:Routes:restart:Sources=http[restart]", "--Mediation:Routes:restart:Targets=jmsrestart"]);
        await server.HealthyAsync("jmsrestart");
        var endpoint = server.Amqp("jmsrestart");

        var accepted = new List<string>();
        var refused = 0;
        Task? crash = null;
        for (var n = 0; n < total; n++)
        {
            if (n == total / 3)
            {
                await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged > 0, "some events reached the broker before the crash");
                crash = Task.Run(async () =>
                {
                    await broker.Broker.KillAsync();
                    await broker.Broker.RestartAsync();
                });
                await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Degraded, "the endpoint reports the lost connection as degraded");
                var (status, _, detail) = await server.ReadyzAsync("jmsrestart");
                status.ShouldBe(HttpStatusCode.ServiceUnavailable);
                detail.ShouldNotBeNull();
                detail.ShouldContain($"reconnecting to {broker.Target}");
            }
            using var response = await server.PostAsync("restart", $"event-{n}");
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Accepted) accepted.Add(JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!);
            else refused++;
        }
        await crash!;

        await Eventually.TrueAsync(() => endpoint.Pending == 0 && endpoint.Health == NodeHealth.Healthy,
            $"every accepted event was acknowledged by the broker ({endpoint.Counters}, pending {endpoint.Pending}, {endpoint.Health} {endpoint.HealthDetail})",
            TimeSpan.FromSeconds(120));
        endpoint.Counters.Reconnects.ShouldBeGreaterThanOrEqualTo(1);
        endpoint.Counters.Dropped.ShouldBe(0);
        endpoint.Counters.Failed.ShouldBe(0);
        (accepted.Count + refused).ShouldBe(total);

        var received = await broker.ReceiveAsync("/amq/queue/rx-restart", accepted.Count * 2, TimeSpan.FromSeconds(5));
        var ids = received.Select(m => m.Id).ToHashSet();
        var missing = accepted.Where(id => !ids.Contains(id)).ToList();
        missing.ShouldBeEmpty($"{missing.Count} accepted events never reached the broker; counters {endpoint.Counters}");
    }
}

using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>Broker restarts and consumer acknowledgement, each with a Mosquitto of its own.</summary>
public sealed class ReliabilitySpecs
{
    [Fact]
    public async Task Every_accepted_event_reaches_the_broker_across_a_broker_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync(persistent: true);
        // A persistent session registered before the stream: the broker queues every message for it, and keeps the queue across the restart.
        await broker.SubscribeUntilDoneAsync(TimeSpan.FromSeconds(30), "-i", "checker", "-c", "-x", "3600", "-q", "1", "-t", "stream/#", "-E");
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:broker:Type=mqtt5", $"--Mediation:Endpoints:broker:Host={broker.Host}",
            $"--Mediation:Endpoints:broker:Port={broker.Port}", "--Mediation:Routes:out:Sources=http[stream/#]", "--Mediation:Routes:out:Targets=broker"]);
        var endpoint = ServerSpecs.Find(server, "broker");
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, "the endpoint is connected");

        const int total = 1000;
        var accepted = new List<int>();
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3)
            {
                await broker.StopGracefullyAsync();
                await Eventually.TrueAsync(() => endpoint.Health != NodeHealth.Healthy, "the endpoint noticed the broker went away");
            }
            if (i == total / 2) await broker.StartProcessAsync();
            using var response = await server.PostAsync("stream/n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if ((int)response.StatusCode == 202) accepted.Add(i);
        }
        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged + endpoint.Counters.Dropped + endpoint.Counters.Failed >= accepted.Count,
            $"every accepted event is acknowledged or counted ({endpoint.Counters})", TimeSpan.FromSeconds(90));
        endpoint.Counters.Dropped.ShouldBe(0);
        endpoint.Counters.Failed.ShouldBe(0);
        endpoint.Counters.Reconnects.ShouldBeGreaterThanOrEqualTo(1);
        endpoint.Health.ShouldBe(NodeHealth.Healthy);

        var lines = await broker.SubscribeUntilDoneAsync(TimeSpan.FromSeconds(60), "-i", "checker", "-c", "-x", "3600", "-q", "1", "-t", "stream/#", "-W", "5");
        var seen = lines.Where(l => l.StartsWith("stream/n|", StringComparison.Ordinal)).Select(l => int.Parse(l["stream/n|".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        accepted.Count.ShouldBe(total);
        accepted.Where(i => !seen.Contains(i)).ShouldBeEmpty("events the engine accepted but the broker never delivered");
    }

    [Fact]
    public async Task A_message_the_routes_refuse_is_not_acknowledged_and_comes_again_once_they_accept()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var sink = new RecordingNode("sink", blocked: true);
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:broker:Type=mqtt5", $"--Mediation:Endpoints:broker:Host={broker.Host}",
            $"--Mediation:Endpoints:broker:Port={broker.Port}", "--Mediation:Endpoints:broker:Subscriptions=jobs/#", "--Mediation:Endpoints:broker:ClientId=rx-acks",
            "--Mediation:Endpoints:broker:CleanStart=false", "--Mediation:Endpoints:broker:SessionExpiry=00:10:00", "--Mediation:Endpoints:broker:MaxAdmissionRetries=2",
            "--Mediation:Routes:in:Sources=broker", "--Mediation:Routes:in:Targets=sink", "--Mediation:Routes:in:Bridge:Capacity=1",
            "--Mediation:Routes:in:Bridge:Overflow=drop-new", "--Mediation:Routes:in:Bridge:RetryAfter=00:00:00.1"], b => b.Nodes.Add(sink));
        var endpoint = ServerSpecs.Find(server, "broker");
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, "the endpoint is connected");
        await Eventually.TrueAsync(() => endpoint.Counters.Received > 0 || Publish("jobs/warmup", "w"), "the subscription is in place");

        for (var i = 0; i < 5; i++) await broker.PublishAsync("-t", "jobs/work", "-q", "1", "-m", $"job-{i}");

        // The sink holds one event and the bridge one more: the rest are refused, not acknowledged, and the
        // endpoint cuts the connection so the broker keeps them for the persistent session.
        await Eventually.TrueAsync(() => endpoint.Counters.Redelivered > 0 && endpoint.Counters.Reconnects > 0, $"refused messages were left with the broker ({endpoint.Counters})", TimeSpan.FromSeconds(30));
        sink.Count.ShouldBeLessThan(5);
        sink.Release();

        await Eventually.TrueAsync(() => Enumerable.Range(0, 5).All(i => sink.Received.Any(e => e.Text == $"job-{i}")),
            $"every job arrived once the route accepted again ({endpoint.Counters}; got {string.Join(",", sink.Received.Select(e => e.Text))})", TimeSpan.FromSeconds(60));
        endpoint.Counters.Dropped.ShouldBe(0);

        bool Publish(string topic, string text)
        {
            broker.PublishAsync("-t", topic, "-q", "1", "-m", text).GetAwaiter().GetResult();
            return endpoint.Counters.Received > 0;
        }
    }
}

using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Net;
using Rx.Mediation.RabbitMq.Specs.Support;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs;

/// <summary>At-least-once both ways: across a broker crash for publishing, and acknowledgement only after acceptance for consuming.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ReliabilitySpecs(RabbitMqFixture rabbit, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Every_accepted_event_arrives_at_least_once_when_the_broker_is_killed_and_restarted_mid_stream()
    {
        const int total = 1000;
        var queue = RabbitMqFixture.UniqueName("crash");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit"), $"--Mediation:Routes:toRabbit:Sources=http[{queue}]", "--Mediation:Routes:toRabbit:Targets=rabbit"]);
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        var next = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task PostLoopAsync()
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= total)
            {
                // The last fifth is posted while the broker is down and restarting; the rest flows as it is killed.
                if (n > total * 4 / 5) await killed.Task;
                using var response = await server.PostAsync(queue, $"event-{n}");
                if (response.StatusCode == HttpStatusCode.Accepted) accepted.Add($"event-{n}");
                else Interlocked.Increment(ref refused);
            }
        }

        var posting = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(PostLoopAsync)));
        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged >= 200, "200 events are confirmed", Long);
        await rabbit.Broker.KillAsync();
        output.WriteLine($"killed with {accepted.Count} accepted, {endpoint.Counters}");
        await Eventually.TrueAsync(() => endpoint.Health != Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint notices the crash", Long);
        killed.SetResult();
        await rabbit.Broker.RestartAsync();
        output.WriteLine($"restarted with {accepted.Count} accepted, {endpoint.Counters}");
        await posting;

        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged >= accepted.Count, $"all {accepted.Count} accepted events are confirmed ({endpoint.Counters})", Long);
        output.WriteLine($"after restart: {accepted.Count} accepted, {refused} refused, retried {endpoint.Counters.Retried}, {endpoint.Counters}");
        endpoint.Counters.Dropped.ShouldBe(0);
        endpoint.Counters.Failed.ShouldBe(0);
        endpoint.Counters.Reconnects.ShouldBeGreaterThan(0);
        accepted.Count.ShouldBe(total - refused);

        var bodies = (await Rabbit.DrainAsync(rabbit.Broker, queue)).Select(m => Rabbit.Text(m.Body)).ToHashSet();
        var missing = accepted.Where(a => !bodies.Contains(a)).ToList();
        output.WriteLine($"{bodies.Count} distinct bodies in the queue");
        missing.ShouldBeEmpty($"{missing.Count} accepted events are missing after the restart ({endpoint.Counters})");
    }

    [Fact]
    public async Task A_message_is_acknowledged_only_after_the_routes_accepted_it_so_refused_ones_stay_on_the_broker()
    {
        const int total = 10;
        var queue = RabbitMqFixture.UniqueName("acks");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        for (var i = 1; i <= total; i++) await Rabbit.PublishAsync(rabbit.Broker, queue, $"m-{i}", headers: [("n", i.ToString())]);
        var recorder = new RecordingNode("recorder", blocked: true);
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit", $"Queues={queue}"),
             "--Mediation:Routes:fromRabbit:Sources=rabbit", "--Mediation:Routes:fromRabbit:Targets=recorder",
             "--Mediation:Routes:fromRabbit:Bridge:Capacity=1", "--Mediation:Routes:fromRabbit:Bridge:Overflow=drop-new",
             "--Mediation:Routes:fromRabbit:Bridge:RetryAfter=00:00:00.100"],
            b => b.Nodes.Add(recorder));
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;

        await Eventually.TrueAsync(() => endpoint.Counters.Redelivered >= 2 * total, "refused messages are handed back to the broker again and again");
        var accepted = endpoint.Counters.Accepted;
        accepted.ShouldBeLessThanOrEqualTo(3); // one in the blocked target, one in the bridge (and one racing in)
        // Eventually: the broker may not yet have processed the acknowledgement of the last accepted one.
        await Eventually.TrueAsync(() => MessagesOnBrokerAsync(queue).Result == total - (int)endpoint.Counters.Accepted, "the refused ones are still on the broker");
        endpoint.Counters.Accepted.ShouldBe(accepted);

        recorder.Release();
        await Eventually.TrueAsync(() => recorder.Count >= total, "every message reaches the target once it accepts again", TimeSpan.FromSeconds(60));
        recorder.Received.Select(e => e.Text).Distinct().Order().ShouldBe(Enumerable.Range(1, total).Select(i => $"m-{i}").Order());
        await Eventually.TrueAsync(() => MessagesOnBrokerAsync(queue).Result == 0, "all are acknowledged");
        endpoint.Counters.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task A_broker_down_at_startup_is_retried_and_then_gets_the_events_held_meanwhile_and_delivers_again()
    {
        var outbound = RabbitMqFixture.UniqueName("late-out");
        var inbound = RabbitMqFixture.UniqueName("late-in");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, outbound);
        await Rabbit.DeclareQueueAsync(rabbit.Broker, inbound);
        var recorder = new RecordingNode("recorder");
        await rabbit.Broker.KillAsync();
        try
        {
            await using var server = await RunningServer.StartAsync(
                [.. rabbit.Endpoint("rabbit", $"Queues={inbound}"),
                 $"--Mediation:Routes:toRabbit:Sources=http[{outbound}]", "--Mediation:Routes:toRabbit:Targets=rabbit",
                 "--Mediation:Routes:fromRabbit:Sources=rabbit", "--Mediation:Routes:fromRabbit:Targets=recorder"],
                b => b.Nodes.Add(recorder));
            var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;
            await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Unhealthy && endpoint.HealthDetail!.Contains("connection refused"), "the endpoint reports the refused connection");
            for (var i = 1; i <= 5; i++) await server.PostAcceptedAsync(outbound, $"held-{i}");

            await rabbit.Broker.RestartAsync();
            await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged == 5, $"the held events are confirmed ({endpoint.Counters})", Long);
            await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint is healthy again");
            (await Rabbit.DrainAsync(rabbit.Broker, outbound)).Select(m => Rabbit.Text(m.Body)).ShouldBe(["held-1", "held-2", "held-3", "held-4", "held-5"], ignoreOrder: true);

            await Rabbit.PublishAsync(rabbit.Broker, inbound, "consumed after the late connect");
            await Eventually.TrueAsync(() => recorder.Count == 1, "the consumer runs once connected");
            recorder.Received[0].Text.ShouldBe("consumed after the late connect");
        }
        finally
        {
            if (!rabbit.Broker.IsRunning) await rabbit.Broker.RestartAsync();
        }
    }

    [Fact]
    public async Task Declared_topology_routes_through_the_exchange_and_a_message_refused_too_often_is_dead_lettered()
    {
        const int total = 5;
        var exchange = RabbitMqFixture.UniqueName("ex");
        var queue = RabbitMqFixture.UniqueName("orders");
        var deadLetters = RabbitMqFixture.UniqueName("dlx");
        var recorder = new RecordingNode("recorder", blocked: true);
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit", $"Exchange={exchange}", "ExchangeType=topic", "Declare=true", $"Queues={queue}", "BindingKeys=orders.#",
                $"DeadLetterExchange={deadLetters}", "MaxRedeliveries=2"),
             "--Mediation:Routes:toRabbit:Sources=http[orders.created]", "--Mediation:Routes:toRabbit:Targets=rabbit",
             "--Mediation:Routes:fromRabbit:Sources=rabbit", "--Mediation:Routes:fromRabbit:Targets=recorder",
             "--Mediation:Routes:fromRabbit:Bridge:Capacity=1", "--Mediation:Routes:fromRabbit:Bridge:Overflow=drop-new",
             "--Mediation:Routes:fromRabbit:Bridge:RetryAfter=00:00:00.050"],
            b => b.Nodes.Add(recorder));
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;

        // The topic is the routing key: "orders.created" matches the binding orders.#; half the messages come from amqp-publish.
        for (var i = 1; i <= total; i++)
        {
            if (i % 2 == 0) await Rabbit.PublishAsync(rabbit.Broker, "orders.created", $"o-{i}", exchange: exchange);
            else await server.PostAcceptedAsync("orders.created", $"o-{i}");
        }

        await Eventually.TrueAsync(() => endpoint.Counters.Failed + endpoint.Counters.Accepted == total, $"each message is either accepted or given up ({endpoint.Counters})", TimeSpan.FromSeconds(60));
        endpoint.Counters.Failed.ShouldBeGreaterThan(0);
        var deadLettered = new List<string>();
        await Eventually.TrueAsync(() =>
        {
            deadLettered.AddRange(Rabbit.DrainAsync(rabbit.Broker, deadLetters).Result.Select(m => Rabbit.Text(m.Body)));
            return deadLettered.Count >= endpoint.Counters.Failed;
        }, "every message given up is in the dead-letter queue");
        deadLettered.Count.ShouldBe((int)endpoint.Counters.Failed);
        recorder.Release();
        await Eventually.TrueAsync(() => recorder.Count == (int)endpoint.Counters.Accepted, "the accepted ones reach the target");
        recorder.Received.Select(e => e.Text).Concat(deadLettered).Order().ShouldBe(Enumerable.Range(1, total).Select(i => $"o-{i}").Order());
    }

    [Fact]
    public async Task The_consumer_is_recovered_after_a_broker_crash()
    {
        var queue = RabbitMqFixture.UniqueName("recover");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        var recorder = new RecordingNode("recorder");
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit", $"Queues={queue}"), "--Mediation:Routes:fromRabbit:Sources=rabbit", "--Mediation:Routes:fromRabbit:Targets=recorder"],
            b => b.Nodes.Add(recorder));
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;
        await Rabbit.PublishAsync(rabbit.Broker, queue, "before");
        await Eventually.TrueAsync(() => recorder.Count == 1, "the first message is consumed");

        await rabbit.Broker.KillAsync();
        await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Degraded, "the endpoint is degraded while the broker is away");
        endpoint.HealthDetail.ShouldNotBeNull().ShouldContain("recovering");
        await rabbit.Broker.RestartAsync();
        await Wait.UntilAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the connection is recovered",
            () => $"{endpoint.Health}: {endpoint.HealthDetail}; {endpoint.Counters}", Long);
        await Rabbit.PublishAsync(rabbit.Broker, queue, "after");

        await Wait.UntilAsync(() => recorder.Count == 2, "the message published after the restart is consumed",
            () => $"{endpoint.Health}: {endpoint.HealthDetail}; {endpoint.Counters}", Long);
        recorder.Received.Select(e => e.Text).ShouldBe(["before", "after"]);
        endpoint.Counters.Reconnects.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Publishing_to_a_missing_exchange_fails_visibly_and_the_endpoint_says_why()
    {
        var exchange = RabbitMqFixture.UniqueName("nowhere");
        await using var server = await RunningServer.StartAsync(
            [.. rabbit.Endpoint("rabbit", $"Exchange={exchange}"), "--Mediation:Routes:toRabbit:Sources=http[lost]", "--Mediation:Routes:toRabbit:Targets=rabbit"]);
        var endpoint = (RabbitMqEndpoint)server.Engine.Find("rabbit")!;

        await server.PostAcceptedAsync("lost", "no exchange for me");

        await Eventually.TrueAsync(() => endpoint.Counters.Failed == 1, $"the event fails after the broker refused it repeatedly ({endpoint.Counters})", TimeSpan.FromSeconds(60));
        endpoint.Health.ShouldBe(Rx.Mediation.Nodes.NodeHealth.Degraded);
        endpoint.HealthDetail.ShouldNotBeNull().ShouldContain("NOT_FOUND");
        endpoint.HealthDetail.ShouldContain(exchange);
        endpoint.Counters.Acknowledged.ShouldBe(0);

        // Once the exchange exists, publishing works again and the endpoint is healthy.
        var queue = RabbitMqFixture.UniqueName("found");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await Rabbit.DeclareExchangeAsync(rabbit.Broker, exchange, "fanout", bindQueue: queue);
        await server.PostAcceptedAsync("lost", "now there is one");
        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged == 1, "the next event is confirmed");
        await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint is healthy again");
        (await Rabbit.GetAsync(rabbit.Broker, queue)).ShouldBe("now there is one");
    }

    /// <summary>Ready plus unacknowledged, as the broker counts them.</summary>
    private async Task<int> MessagesOnBrokerAsync(string queue)
    {
        var (code, output) = await rabbit.Broker.CtlAsync("list_queues", "-q", "--no-table-headers", "name", "messages");
        code.ShouldBe(0, output);
        var line = output.Split('\n').Select(l => l.Split('\t', StringSplitOptions.TrimEntries)).Single(p => p[0] == queue);
        return int.Parse(line[1]);
    }
}

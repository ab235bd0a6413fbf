using System.Collections.Concurrent;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

[Collection(KafkaCollection.Name)]
public sealed class KafkaReliabilitySpecs(KafkaCluster cluster)
{
    /// <summary>
    /// The broker "restarts" while events flow. There is no Kafka broker process on this machine: the cluster is
    /// librdkafka's mock cluster inside the test process. rd_kafka_mock_broker_set_down closes every client connection and
    /// refuses new ones on the broker's port, exactly what a killed broker process looks like to a client (connection reset,
    /// then connection refused); set_up accepts connections again on the same port, like the restarted process. The log
    /// survives, as a restarted broker's would on disk.
    /// </summary>
    [Fact]
    public async Task Every_accepted_event_reaches_kafka_at_least_once_across_a_broker_restart()
    {
        using var own = KafkaMockCluster.Start(brokers: 1);
        const string topic = "restart";
        own.CreateTopic(topic, partitions: 2);
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint("k", own.BootstrapServers, $"Topic={topic}"),
            .. Route("toKafka", "http[restart]", "k"),
        ]);
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");

        const int total = 1000;
        var load = PostLoad.Start(server, topic, total, i => $"e{i:D4}");
        var posting = load.Completion;
        var accepted = load.Accepted;

        await Eventually.TrueAsync(() => load.Started >= 300, "a third of the events were posted", TimeSpan.FromSeconds(60));
        var postedBeforeOutage = load.Started;
        own.SetDown();
        // Waited for whether or not the POSTs are done: a fast run can post them all before the outage is noticed, and the
        // reconnect counted below follows only an outage the endpoint saw.
        await Eventually.TrueAsync(() => kafka.Health != NodeHealth.Healthy, "the endpoint noticed the broker going away", TimeSpan.FromSeconds(30));
        // The outage lasts until at least a few hundred more events were accepted, so they queue behind the dead broker.
        await Eventually.TrueAsync(() => load.Started >= 700 || posting.IsCompleted, "more events were posted during the outage", TimeSpan.FromSeconds(60));
        var postedDuringOutage = load.Started - postedBeforeOutage;
        own.SetUp();
        await posting;
        postedDuringOutage.ShouldBeGreaterThan(0, "events were still flowing while the broker was down");

        accepted.Count.ShouldBe(total, "the server accepted every POST (the endpoint queues while the broker is down)");
        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged + kafka.Counters.Failed + kafka.Counters.Dropped >= accepted.Count,
            $"every event was settled ({kafka.Counters})", TimeSpan.FromSeconds(120));
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint is healthy again", TimeSpan.FromSeconds(30));

        var stored = (await KafkaCat.ReadAllAsync(own.BootstrapServers, topic)).Select(m => m.Payload!).ToHashSet();
        var missing = accepted.Where(e => !stored.Contains(e)).Order().ToList();
        // Nothing may vanish silently: anything not in Kafka must have been counted as failed or dropped.
        missing.Count.ShouldBeLessThanOrEqualTo((int)(kafka.Counters.Failed + kafka.Counters.Dropped), $"missing without being counted: {string.Join(",", missing.Take(20))}");
        // And librdkafka retrying within the default MessageTimeout (2 minutes) rides out a short outage: nothing is lost.
        missing.ShouldBeEmpty();
        kafka.Counters.Failed.ShouldBe(0);
        kafka.Counters.Dropped.ShouldBe(0);
        kafka.Counters.Reconnects.ShouldBeGreaterThanOrEqualTo(1);
    }

    /// <summary>The consuming side of a broker restart (see above for how the mock cluster stands in for it).</summary>
    [Fact]
    public async Task Consuming_resumes_after_a_broker_restart_without_a_gap()
    {
        using var own = KafkaMockCluster.Start(brokers: 1);
        const string topic = "consume-restart";
        own.CreateTopic(topic, partitions: 1);
        const int total = 500;
        await KafkaCat.ProduceAsync(own.BootstrapServers, topic, Enumerable.Range(0, total).Select(i => $"c{i:D3}"));

        // A slow target spreads consumption over the outage.
        var sink = new RecordingNode("sink", perEvent: TimeSpan.FromMilliseconds(5));
        await using var server = await RunningServer.StartAsync(
            [.. Endpoint("k", own.BootstrapServers, $"Topics={topic}", "CommitInterval=00:00:00.1"), .. Route("fromKafka", "k", "sink")],
            b => b.Nodes.Add(sink));
        var kafka = server.Kafka("k");

        await Eventually.TrueAsync(() => sink.Count >= 50, "consumption started", TimeSpan.FromSeconds(60));
        own.SetDown();
        await Eventually.TrueAsync(() => kafka.Health != NodeHealth.Healthy, "the endpoint noticed the broker going away", TimeSpan.FromSeconds(30));
        var beforeRestart = sink.Count;
        own.SetUp();

        await Eventually.TrueAsync(() => sink.Received.Select(e => e.Id).Distinct().Count() >= total, $"every message arrived ({kafka.Counters})", TimeSpan.FromSeconds(120));
        beforeRestart.ShouldBeLessThan(total, "the outage happened while messages were still being consumed");
        var offsets = sink.Received.Select(e => long.Parse(e.Header("kafka-offset")!)).Distinct().Order().ToList();
        offsets.ShouldBe(Enumerable.Range(0, total).Select(i => (long)i));
        sink.Received.Select(e => e.Text).Distinct().Order().ShouldBe(Enumerable.Range(0, total).Select(i => $"c{i:D3}"));
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint is healthy again", TimeSpan.FromSeconds(30));
    }

    // The first endpoint leaves the group on stop (librdkafka's cgrp debug log shows its LeaveGroup sent and answered), yet
    // librdkafka's mock cluster lets the next member join only after the old one's session timed out (default 45 s).
    // A short session keeps the spec quick; it changes nothing the spec checks.
    private const string ShortSession = "Properties:session.timeout.ms=6000";

    [Fact]
    public async Task A_message_the_routes_refuse_is_not_committed_and_is_delivered_again_until_accepted()
    {
        var topic = Unique("acks");
        var group = Unique("group");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        await KafkaCat.ProduceAsync(cluster.BootstrapServers, topic, Enumerable.Range(0, 20).Select(i => $"m{i:D2}"));

        var blocked = new RecordingNode("blocked", blocked: true);
        var first = await RunningServer.StartAsync(
            [
                .. Endpoint("k", cluster.BootstrapServers, $"Topics={topic}", $"GroupId={group}", ShortSession),
                .. Route("fromKafka", "k", "blocked", "Bridge:Capacity=1", "Bridge:Overflow=drop-new", "Bridge:RetryAfter=00:00:00.2"),
            ],
            b => b.Nodes.Add(blocked));
        try
        {
            var kafka = first.Kafka("k");
            // A one-slot bridge in front of a blocked target: the routes refuse, the endpoint seeks back and offers again.
            await Eventually.TrueAsync(() => kafka.Counters.Redelivered >= 3, $"the routes refused messages ({kafka.Counters})", TimeSpan.FromSeconds(60));
            kafka.Counters.Accepted.ShouldBeLessThan(20);
            blocked.Release();
            await Eventually.TrueAsync(() => blocked.Count >= 20, $"every message arrived once the target took them ({kafka.Counters})", TimeSpan.FromSeconds(60));

            var offsets = blocked.Received.Select(e => long.Parse(e.Header("kafka-offset")!)).ToList();
            offsets.Distinct().Order().ShouldBe(Enumerable.Range(0, 20).Select(i => (long)i), "no refused message was skipped");
            offsets.ShouldBe(offsets.Order().ToList(), "in partition order");
            blocked.Received.Select(e => e.Text).Distinct().Count().ShouldBe(20);
            kafka.Counters.Accepted.ShouldBe(20);
        }
        finally
        {
            blocked.Release();
            await first.DisposeAsync();
        }

        // Stopping committed what was accepted: the same group picks up after it, with the next message only.
        await KafkaCat.ProduceAsync(cluster.BootstrapServers, topic, ["m20"]);
        var sink = new RecordingNode("sink");
        await using var second = await RunningServer.StartAsync(
            [
                .. Endpoint("k", cluster.BootstrapServers, $"Topics={topic}", $"GroupId={group}", ShortSession),
                .. Route("fromKafka", "k", "sink"),
            ],
            b => b.Nodes.Add(sink));
        await Eventually.TrueAsync(() => sink.Count >= 1, "the restarted endpoint consumed", TimeSpan.FromSeconds(60));
        sink.Received[0].Text.ShouldBe("m20");
        sink.Received[0].Id.ShouldBe($"{topic}@0#20");
    }
}

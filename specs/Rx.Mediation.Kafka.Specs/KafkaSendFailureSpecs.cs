using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>
/// What happens to a send librdkafka gives up on (its <c>MessageTimeout</c> ran out while the broker was down): counted
/// and logged by default, sent again with <c>SendRetries</c>. The outage is librdkafka's mock cluster with its broker set
/// down (see <see cref="KafkaReliabilitySpecs"/>).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaSendFailureSpecs(KafkaCluster cluster)
{
    [Fact]
    public async Task By_default_a_send_that_timed_out_counts_as_failed_once_and_the_log_names_its_key()
    {
        using var own = KafkaMockCluster.Start(brokers: 1);
        var topic = Unique("fail");
        own.CreateTopic(topic, partitions: 1);
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(
            Endpoint("k", own.BootstrapServers, $"Topic={topic}", "MessageTimeout=00:00:01"),
            b => b.Web.Logging.AddProvider(log));
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");
        await DeliverOneAsync(kafka, topic);

        own.SetDown();
        var events = Enumerable.Range(0, 5).Select(n => Event.FromText("spec", topic, $"lost{n}")).ToList();
        foreach (var value in events) kafka.OnNext(value);

        await Eventually.TrueAsync(() => kafka.Counters.Failed == events.Count, $"every send failed ({kafka.Counters})", TimeSpan.FromSeconds(30));
        kafka.Counters.Retried.ShouldBe(0, "no resend unless SendRetries asks for it");
        kafka.Counters.Acknowledged.ShouldBe(1, "only the one delivered before the broker went down");
        kafka.Counters.InFlight.ShouldBe(0);
        var errors = log.Lines(LogLevel.Error);
        foreach (var value in events) errors.ShouldContain(line => line.Contains(value.Id) && line.Contains(topic) && line.Contains("'k'"), $"a line names {value.Id}");
    }

    [Fact]
    public async Task With_SendRetries_a_send_that_timed_out_is_sent_again_and_arrives_once_the_broker_is_back()
    {
        using var own = KafkaMockCluster.Start(brokers: 1);
        var topic = Unique("resend");
        own.CreateTopic(topic, partitions: 1);
        await using var server = await RunningServer.StartAsync(
            // Reconnects no more than half a second apart (librdkafka's backoff grows to 10 s while the broker is down), and
            // enough resends (backoff 200 ms doubling to 5 s) to outlast a slow reconnect on a loaded machine.
            Endpoint("k", own.BootstrapServers, $"Topic={topic}", "MessageTimeout=00:00:01", "SendRetries=10", "Properties:reconnect.backoff.max.ms=500"));
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");
        await DeliverOneAsync(kafka, topic);

        own.SetDown();
        const int total = 20;
        for (var n = 0; n < total; n++) kafka.OnNext(Event.FromText("spec", topic, $"r{n:D2}"));
        // Every send has failed once (and is waiting for its resend) before the broker comes back.
        await Eventually.TrueAsync(() => kafka.Counters.Retried >= total, $"every send was retried ({kafka.Counters})", TimeSpan.FromSeconds(30));
        own.SetUp();

        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == total + 1, $"every send arrived in the end ({kafka.Counters})", TimeSpan.FromSeconds(60));
        kafka.Counters.Failed.ShouldBe(0);
        var stored = await KafkaCat.ReadAllAsync(own.BootstrapServers, topic);
        stored.Select(m => m.Payload).Order().ShouldBe(Enumerable.Range(0, total).Select(n => $"r{n:D2}").Prepend("warm-up").Order());
    }

    // Resends keep the event until its report, so its own timestamp is at hand.
    [Fact]
    public async Task With_SendRetries_an_acknowledged_send_records_its_latency_from_the_events_timestamp()
    {
        var latencies = await AcknowledgedLatenciesAsync("SendRetries=1");
        latencies.ShouldHaveSingleItem().ShouldBeInRange(0.9, 30);
    }

    // Without resends the report's timestamp stands in for the event's: the CreateTime it was sent with. librdkafka's
    // mock broker answers with a LogAppendTime (of 1970), as a topic configured for LogAppendTime would with the broker's
    // clock: that is not when the event was stamped, so nothing is recorded rather than a wrong latency.
    // (KafkaMessagesSpecs covers the CreateTime case, which the mock cannot produce.)
    [Fact]
    public async Task Without_resends_a_report_stamped_with_LogAppendTime_records_no_latency_rather_than_a_wrong_one()
    {
        var latencies = await AcknowledgedLatenciesAsync();
        latencies.ShouldBeEmpty();
    }

    /// <summary>
    /// One event through to the broker before it is taken down: the producer then holds a connection and the partition's
    /// leader, so what follows waits on a broker that went away (and times out) rather than on metadata it never had.
    /// </summary>
    private static async Task DeliverOneAsync(Rx.Mediation.Kafka.KafkaEndpoint kafka, string topic)
    {
        kafka.OnNext(Event.FromText("spec", topic, "warm-up"));
        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == 1, $"the warm-up event was acknowledged ({kafka.Counters})");
    }

    /// <summary>Sends one event stamped a second ago and returns the ack latencies recorded for it once it was acknowledged.</summary>
    private async Task<IReadOnlyList<double>> AcknowledgedLatenciesAsync(params string[] settings)
    {
        var topic = Unique("latency");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        var node = Unique("k");
        var latencies = new System.Collections.Concurrent.ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MediationMeter.Name && instrument.Name == MediationMeter.DeliveryLatencyName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? from = null, via = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "node") from = tag.Value as string;
                if (tag.Key == "via") via = tag.Value as string;
            }
            if (from == node && via == MediationMeter.ViaAck) latencies.Enqueue(value);
        });
        listener.Start();
        await using var server = await RunningServer.StartAsync(Endpoint(node, cluster.BootstrapServers, [$"Topic={topic}", .. settings]));
        var kafka = server.Kafka(node);
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");

        kafka.OnNext(Event.FromText("spec", topic, "timed", timestamp: DateTimeOffset.UtcNow.AddSeconds(-1)));

        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == 1, $"Kafka acknowledged the event ({kafka.Counters})", TimeSpan.FromSeconds(30));
        return [.. latencies];
    }
}

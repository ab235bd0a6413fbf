using System.Diagnostics.Metrics;
using Rx.Mediation.Events;

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// The meter name every Rx.Mediation instrument is published under, and the delivery-latency histogram.
/// <para>
/// The histogram lives on a process-wide meter: it is recorded where a delivery completes (a broker's
/// acknowledgement callback, a web client's write), code that has no service container at hand. Recording is
/// one branch while nothing listens. The counters and gauges are observable instruments over the engine's own
/// ledgers (see <see cref="EngineMetrics"/>), so the hot path pays nothing for them.
/// </para>
/// </summary>
public static class MediationMeter
{
    /// <summary>The meter name: <c>AddMeter("Rx.Mediation")</c> in OpenTelemetry, or a MeterListener matching it.</summary>
    public const string Name = "Rx.Mediation";

    /// <summary>Name of the delivery-latency histogram (seconds; Prometheus: <c>rx_mediation_delivery_latency_seconds</c>).</summary>
    public const string DeliveryLatencyName = "rx.mediation.delivery.latency";

    /// <summary><c>via</c> tag: the broker acknowledged the send (or, for the memory endpoint, publishing returned).</summary>
    public const string ViaAck = "ack";

    /// <summary><c>via</c> tag: the event was written to a web client's connection.</summary>
    public const string ViaWrite = "write";

    /// <summary>Bucket upper bounds of the latency histogram, in seconds: 0.5 ms to one minute.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>
    /// The process-wide meter that holds the latency histogram. A <c>MeterListener</c> should pick the histogram by
    /// name (<see cref="Name"/>, <see cref="DeliveryLatencyName"/>): it is published while this class is first
    /// initialised, before <see cref="DeliveryLatency"/> returns it.
    /// </summary>
    public static Meter Shared { get; } = new(Name);

    /// <summary>
    /// Seconds from an event's timestamp (its receipt by the engine; for an event consumed from a broker, the
    /// message's own timestamp) to the end of one delivery, tagged with the delivering <c>node</c> and <c>via</c>.
    /// </summary>
    public static Histogram<double> DeliveryLatency { get; } = Shared.CreateHistogram(
        DeliveryLatencyName, "s",
        "Time from an event's receipt (its timestamp) to a broker's acknowledgement or a web client write",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>A broker acknowledged <paramref name="value"/> sent by endpoint <paramref name="node"/>.</summary>
    public static void Acknowledged(string node, Event value)
    {
        if (DeliveryLatency.Enabled) Record(node, ViaAck, value.Timestamp);
    }

    /// <summary>
    /// A broker acknowledged a message stamped <paramref name="timestamp"/> sent by endpoint <paramref name="node"/>:
    /// for senders that do not keep the event until the acknowledgement, only the message's own timestamp.
    /// </summary>
    public static void Acknowledged(string node, DateTimeOffset timestamp)
    {
        if (DeliveryLatency.Enabled) Record(node, ViaAck, timestamp);
    }

    /// <summary>Entrypoint <paramref name="node"/> wrote <paramref name="value"/> to one web client.</summary>
    public static void Written(string node, Event value)
    {
        if (DeliveryLatency.Enabled) Record(node, ViaWrite, value.Timestamp);
    }

    private static void Record(string node, string via, DateTimeOffset timestamp)
    {
        var seconds = (DateTimeOffset.UtcNow - timestamp).TotalSeconds;
        // Clocks of other hosts (a broker's message timestamp) may run ahead of ours: never a negative latency.
        DeliveryLatency.Record(seconds > 0 ? seconds : 0, new KeyValuePair<string, object?>("node", node), new KeyValuePair<string, object?>("via", via));
    }
}

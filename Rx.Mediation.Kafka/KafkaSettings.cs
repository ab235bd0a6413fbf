using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Kafka;

/// <summary>
/// The settings of a <c>kafka</c> endpoint under <c>Mediation:Endpoints:{name}</c>, as bound from configuration;
/// <see cref="KafkaEndpointOptions.From"/> validates them. Each setting's meaning, default and bounds are declared here
/// once: the table in docs/endpoints/kafka.md is generated from them (eng/docs-settings.sh).
/// </summary>
public sealed class KafkaSettings
{
    [Setting("Comma-separated `host:port` list (librdkafka `bootstrap.servers`).", Required = true, Example = "127.0.0.1:9092")]
    public string? BootstrapServers { get; set; }

    [Setting("Comma-separated topics to consume. Without it the endpoint only sends.")]
    public string? Topics { get; set; }

    [Setting("Consumer group.", Default = "`rx-mediation-{name}`")]
    public string? GroupId { get; set; }

    [Setting("Where a group without a committed offset starts: `earliest`, `latest`, `error`.")]
    public string AutoOffsetReset { get; set; } = "earliest";

    [Setting("Fixed topic for everything sent.")]
    public string? Topic { get; set; }

    [Setting("`filter=topic` pairs, comma-separated, first match wins (MQTT-style filters): `orders/#=orders, audit=audit-log`. "
        + "With neither `Topic` nor `TopicMap` (nor a match), the event's topic with `/` turned into `.` (`orders/eu` → `orders.eu`); "
        + "an invalid Kafka name fails that event (counted, logged).")]
    public string? TopicMap { get; set; }

    [Setting("Event header whose value is the message key; without it the key is the event id.")]
    public string KeyHeader { get; set; } = "kafka-key";

    [Setting("`all`, `leader`, `none` (librdkafka `acks`). Must be `all` while `EnableIdempotence` is true.")]
    public string Acks { get; set; } = "all";

    [Setting("Idempotent producer: librdkafka's retries neither duplicate nor reorder within a partition.")]
    public bool EnableIdempotence { get; set; } = true;

    [Setting("How long librdkafka keeps retrying one send (`message.timeout.ms`) — covers a broker restart.")]
    [Positive]
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Setting("Sends again (with backoff 200 ms × 2ⁿ, ≤ 5 s) after a failed delivery report before the event counts as failed. "
        + "0: librdkafka's own retries within `MessageTimeout` are all there is. Above 0 every event is kept in memory until its "
        + "delivery report (see [Delivery guarantees](#delivery-guarantees)).")]
    [AtLeast(0)]
    public int SendRetries { get; set; }

    [Setting("Sends awaiting their delivery report at once.")]
    [AtLeast(1)]
    public int MaxInFlight { get; set; } = 10_000;

    [Setting("Outbound queue. At half of it, but at most 512 queued events, the endpoint holds its routes back (they keep events "
        + "in their bridges, under their overflow strategy) until the queue is empty (while it is empty, a route hands events to "
        + "librdkafka itself, one hand-off fewer than through the queue); see README \"A slow broker holds its routes back\". "
        + "Events sent straight to the endpoint past a full queue are dropped, counted (`Dropped`) and logged; so are events still "
        + "queued when the endpoint stops.")]
    [AtLeast(1)]
    public int OutboundCapacity { get; set; } = 10_000;

    [Setting("Payload bytes the outbound queue holds at most: it is full at this or at `OutboundCapacity`, whichever comes first. "
        + "The routes are held back at half of it too (resumed when the queue is empty). One event larger than this still passes an empty queue.")]
    [AtLeast(1)]
    public long OutboundMaxBytes { get; set; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    [Renamed(nameof(OutboundCapacity))]
    public string? QueueCapacity { get; set; }

    [Renamed(nameof(OutboundMaxBytes))]
    public string? QueueMaxBytes { get; set; }

    [Setting("How often offsets of accepted messages are committed (also on revoke and on stop).")]
    [Positive]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Setting("How long stopping waits for queued and in-flight sends and for the consumer to commit.")]
    [AtLeast("0s")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Setting("Replays for resuming web clients (see [Resume from the broker](#resume-from-the-broker-sse-and-get-polling)) reading at once; others wait their turn.")]
    [AtLeast(1)]
    public int MaxReplays { get; set; } = 4;

    [Setting("How long a replay waits for the cluster (watermarks, the next message) before it fails.")]
    [Positive]
    public TimeSpan ReplayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Setting("librdkafka `client.id`.", Default = "`rx-mediation-{name}`")]
    public string? ClientId { get; set; }

    [Setting("`plaintext`, `ssl`, `sasl_plaintext`, `sasl_ssl`.", Default = "librdkafka's (`plaintext`); `ssl` with a `Tls` section")]
    public string? SecurityProtocol { get; set; }

    [Setting("SASL mechanism, e.g. `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`.")]
    public string? SaslMechanism { get; set; }

    [Setting("SASL user name; required with a password.")]
    public string? SaslUsername { get; set; }

    [Setting("SASL password; prefer `PasswordEnv`. Never logged, never in error messages.")]
    public string? Password { get; set; }

    [Setting("Name of an environment variable holding the SASL password (preferred to `Password`); a name that is not set is a configuration error.")]
    public string? PasswordEnv { get; set; }

    [Setting("TLS to the brokers: `CaFile`, `CertFile`/`KeyFile`, `CheckHostname` ([TLS to brokers](tls.md)); mapped to librdkafka's `ssl.*` settings. "
        + "`SecurityProtocol: ssl` or `sasl_ssl` turns it on too.", Default = "off (on with `ssl`/`sasl_ssl`)")]
    public Connectors.Tls.TlsSettings Tls { get; set; } = new();

    [Setting("Any further librdkafka property, e.g. `Properties:linger.ms=20`; wins over the settings above.")]
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);
}

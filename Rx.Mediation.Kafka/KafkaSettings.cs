namespace Rx.Mediation.Kafka;

/// <summary>
/// The settings of a <c>kafka</c> endpoint under <c>Mediation:Endpoints:{name}</c>, as bound from configuration;
/// <see cref="KafkaEndpointProvider"/> validates them. Defaults are documented in docs/endpoints/kafka.md.
/// </summary>
public sealed class KafkaSettings
{
    /// <summary>Comma-separated <c>host:port</c> list (librdkafka <c>bootstrap.servers</c>). Required.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Comma-separated topics to consume; none means the endpoint only sends.</summary>
    public string? Topics { get; set; }

    /// <summary>Consumer group; default <c>rx-mediation-{endpoint}</c>.</summary>
    public string? GroupId { get; set; }

    /// <summary>Where a group with no committed offset starts: earliest, latest or error.</summary>
    public string AutoOffsetReset { get; set; } = "earliest";

    /// <summary>A fixed topic for everything sent; otherwise <see cref="TopicMap"/>, then the event's topic.</summary>
    public string? Topic { get; set; }

    /// <summary>Comma-separated <c>filter=topic</c> pairs, first match wins, e.g. <c>orders/#=orders, audit=audit-log</c>.</summary>
    public string? TopicMap { get; set; }

    /// <summary>The event header whose value becomes the message key; without it the key is the event id.</summary>
    public string KeyHeader { get; set; } = "kafka-key";

    /// <summary>all, leader or none (librdkafka <c>acks</c>).</summary>
    public string Acks { get; set; } = "all";

    public bool EnableIdempotence { get; set; } = true;

    /// <summary>How long librdkafka keeps retrying one send before it reports it failed (<c>message.timeout.ms</c>).</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sends again after a failed delivery report, with backoff, before the event counts as failed. 0 (the default): no
    /// resend beyond librdkafka's own retries within <see cref="MessageTimeout"/>, and no event is kept until its report.
    /// </summary>
    public int SendRetries { get; set; }

    /// <summary>Sends awaiting their delivery report at once.</summary>
    public int MaxInFlight { get; set; } = 10_000;

    /// <summary>Events waiting to be sent; past it new events are dropped and counted.</summary>
    public int OutboundCapacity { get; set; } = 10_000;

    /// <summary>Payload bytes waiting to be sent, at most; the queue is full at this or at <see cref="OutboundCapacity"/>.</summary>
    public long OutboundMaxBytes { get; set; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    /// <summary>The former name of <see cref="OutboundCapacity"/>: refused, naming the new one.</summary>
    public string? QueueCapacity { get; set; }

    /// <summary>The former name of <see cref="OutboundMaxBytes"/>: refused, naming the new one.</summary>
    public string? QueueMaxBytes { get; set; }

    /// <summary>How often the offsets of accepted messages are committed.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long stopping waits for queued and in-flight sends.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Replays for resuming web clients (SSE <c>Last-Event-ID</c>, poll cursors) reading at once; others wait their turn.</summary>
    public int MaxReplays { get; set; } = 4;

    /// <summary>How long a replay waits for the cluster (watermarks, the next message) before it fails.</summary>
    public TimeSpan ReplayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Default <c>rx-mediation-{endpoint}</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>plaintext, ssl, sasl_plaintext or sasl_ssl.</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary>PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, …</summary>
    public string? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? Password { get; set; }

    /// <summary>Name of an environment variable holding the SASL password (preferred to <see cref="Password"/>).</summary>
    public string? PasswordEnv { get; set; }

    /// <summary>Further librdkafka properties by name, e.g. <c>Properties:linger.ms=20</c>; they win over the above.</summary>
    /// <summary>TLS to the brokers (<see cref="Connectors.Tls.TlsSettings"/>); <c>SecurityProtocol: ssl</c> or <c>sasl_ssl</c> turns it on too.</summary>
    public Connectors.Tls.TlsSettings Tls { get; set; } = new();

    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);
}

using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Kafka;

/// <summary>
/// A Kafka endpoint's settings once validated: librdkafka properties for its producer and consumer, what it consumes and
/// how it picks topics and keys. <see cref="From"/> reports a bad setting with its configuration key.
/// </summary>
public sealed record KafkaEndpointOptions
{
    /// <summary>Confluent.Kafka's (not librdkafka's) producer property: which message fields delivery reports carry.</summary>
    internal const string DeliveryReportFields = "dotnet.producer.delivery.report.fields";

    public required string Name { get; init; }

    public required string BootstrapServers { get; init; }

    public IReadOnlyList<string> ConsumeTopics { get; init; } = [];

    public required string GroupId { get; init; }

    public required KafkaTopicRouter Topics { get; init; }

    public string KeyHeader { get; init; } = "kafka-key";

    /// <summary>TLS to the brokers, when on (already in the librdkafka properties; kept for health messages).</summary>
    public Connectors.Tls.BrokerTls? Tls { get; init; }

    /// <summary>librdkafka properties for the producer; may hold a password, so never logged.</summary>
    public required IReadOnlyDictionary<string, string> ProducerProperties { get; init; }

    /// <summary>librdkafka properties for the consumer; may hold a password, so never logged.</summary>
    public required IReadOnlyDictionary<string, string> ConsumerProperties { get; init; }

    public int SendRetries { get; init; }

    public int MaxInFlight { get; init; } = 10_000;

    public int OutboundCapacity { get; init; } = 10_000;

    /// <summary>Payload bytes waiting to be sent, at most; routes hold back well before (see <see cref="KafkaEndpoint.HoldBackMarks"/>).</summary>
    public long OutboundMaxBytes { get; init; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Replays for resuming web clients reading at once (see <see cref="KafkaReplay"/>).</summary>
    public int MaxReplays { get; init; } = 4;

    /// <summary>How long a replay waits for the cluster before it fails.</summary>
    public TimeSpan ReplayTimeout { get; init; } = TimeSpan.FromSeconds(10);

    private static readonly string[] OffsetResets = ["earliest", "latest", "error"];
    private static readonly string[] AcksValues = ["all", "leader", "none", "-1", "0", "1"];
    private static readonly string[] SecurityProtocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];

    /// <param name="key">The endpoint's configuration key, e.g. <c>Mediation:Endpoints:orders</c>.</param>
    /// <param name="environment">Reads environment variables (for <c>PasswordEnv</c>); the process environment by default.</param>
    public static KafkaEndpointOptions From(string name, string key, KafkaSettings settings, Func<string, string?>? environment = null)
    {
        EndpointConfigurationException Bad(string setting, string problem) => new(name, $"{key}:{setting}", problem);

        SettingRules.Check(settings, name, key);
        var servers = Split(settings.BootstrapServers);
        foreach (var server in servers)
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw Bad("BootstrapServers", $"has '{server}', expected host:port");
        }

        var consume = Split(settings.Topics);
        foreach (var topic in consume)
        {
            if (!KafkaTopicNames.IsValid(topic)) throw Bad("Topics", $"has '{topic}', not a valid Kafka topic name (1-{KafkaTopicNames.MaxLength} of [A-Za-z0-9._-])");
        }

        var fixedTopic = string.IsNullOrWhiteSpace(settings.Topic) ? null : settings.Topic.Trim();
        if (fixedTopic is not null && !KafkaTopicNames.IsValid(fixedTopic)) throw Bad("Topic", $"'{fixedTopic}' is not a valid Kafka topic name");

        var map = new List<(TopicPattern, string)>();
        foreach (var pair in Split(settings.TopicMap))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw Bad("TopicMap", $"has '{pair}', expected filter=topic");
            var filterText = pair[..equals].Trim();
            var target = pair[(equals + 1)..].Trim();
            if (!TopicPattern.TryParse(filterText, out var filter, out var error)) throw Bad("TopicMap", $"has a bad filter '{filterText}': {error}");
            if (!KafkaTopicNames.IsValid(target)) throw Bad("TopicMap", $"maps to '{target}', not a valid Kafka topic name");
            map.Add((filter!, target));
        }

        var reset = settings.AutoOffsetReset?.Trim().ToLowerInvariant() ?? "earliest";
        if (!OffsetResets.Contains(reset)) throw Bad("AutoOffsetReset", $"'{settings.AutoOffsetReset}' is not one of {string.Join(", ", OffsetResets)}");
        var acks = settings.Acks?.Trim().ToLowerInvariant() ?? "all";
        if (!AcksValues.Contains(acks)) throw Bad("Acks", $"'{settings.Acks}' is not one of all, leader, none");
        if (settings.EnableIdempotence && acks is not ("all" or "-1")) throw Bad("Acks", "must be all while EnableIdempotence is true");
        if (string.IsNullOrWhiteSpace(settings.KeyHeader)) throw Bad("KeyHeader", "must not be empty");

        var common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = string.Join(',', servers),
            ["client.id"] = string.IsNullOrWhiteSpace(settings.ClientId) ? $"rx-mediation-{name}" : settings.ClientId.Trim(),
            // librdkafka backs off up to 10 s between reconnects by default; a restarted broker is noticed sooner this way.
            ["reconnect.backoff.max.ms"] = "2000",
            // TCP_NODELAY, as the Java client sets it. With Nagle on (librdkafka's default) a request written while the
            // previous one is unacknowledged waits for the peer's delayed ACK: measured on the mock cluster, producing
            // then settles at times into a mode of about 250k events/s instead of 650k+, and stays there.
            ["socket.nagle.disable"] = "true",
        };
        var protocol = settings.SecurityProtocol?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(protocol) && !SecurityProtocols.Contains(protocol))
            throw Bad("SecurityProtocol", $"'{settings.SecurityProtocol}' is not one of {string.Join(", ", SecurityProtocols)}");
        var tls = settings.Tls.ToOptions(name, key, impliedByAddress: protocol is "ssl" or "sasl_ssl");
        if (tls is not null)
        {
            if (protocol is "plaintext" or "sasl_plaintext")
                throw Bad("SecurityProtocol", $"is '{protocol}', but {key}:Tls turns TLS on: use {(protocol == "plaintext" ? "ssl" : "sasl_ssl")} or leave it out");
            // librdkafka checks the name against the address it connects to; it cannot be told to expect another.
            if (tls.ServerName is not null) throw Bad("Tls:ServerName", "is not supported for Kafka: librdkafka checks the broker's certificate against the host it connects to");
            protocol ??= "ssl";
            if (tls.CaFile is not null) common["ssl.ca.location"] = tls.CaFile;
            if (tls.CertFile is not null) common["ssl.certificate.location"] = tls.CertFile;
            if (tls.KeyFile is not null) common["ssl.key.location"] = tls.KeyFile;
            common["ssl.endpoint.identification.algorithm"] = tls.CheckHostname ? "https" : "none";
        }
        if (!string.IsNullOrEmpty(protocol)) common["security.protocol"] = protocol;
        if (!string.IsNullOrWhiteSpace(settings.SaslMechanism)) common["sasl.mechanisms"] = settings.SaslMechanism.Trim();
        if (!string.IsNullOrWhiteSpace(settings.SaslUsername)) common["sasl.username"] = settings.SaslUsername;
        var password = settings.Password;
        if (!string.IsNullOrWhiteSpace(settings.PasswordEnv))
        {
            password = (environment ?? Environment.GetEnvironmentVariable)(settings.PasswordEnv.Trim());
            if (string.IsNullOrEmpty(password)) throw Bad("PasswordEnv", $"names environment variable '{settings.PasswordEnv.Trim()}', which is not set");
        }
        if (!string.IsNullOrEmpty(password))
        {
            if (string.IsNullOrWhiteSpace(settings.SaslUsername)) throw Bad("SaslUsername", "is required with a password");
            common["sasl.password"] = password;
        }

        var producer = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            ["acks"] = acks switch { "leader" => "1", "none" => "0", _ => acks == "all" ? "all" : acks },
            ["enable.idempotence"] = settings.EnableIdempotence ? "true" : "false",
            ["message.timeout.ms"] = ((long)settings.MessageTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["linger.ms"] = "5",
            // By default Confluent.Kafka copies every report's key, value, headers and timestamp back into managed memory.
            // A sender that keeps its events for resends reads only the error; one that does not needs the key (to name a
            // failed message) and the timestamp (the event's, for the delivery latency).
            [DeliveryReportFields] = settings.SendRetries == 0 ? "key,timestamp" : "none",
        };
        var groupId = string.IsNullOrWhiteSpace(settings.GroupId) ? $"rx-mediation-{name}" : settings.GroupId.Trim();
        var consumer = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            ["group.id"] = groupId,
            ["auto.offset.reset"] = reset,
            // At-least-once: an offset is committed only for messages the routes accepted (see KafkaConsumerLoop).
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["enable.partition.eof"] = "false",
        };
        foreach (var (property, value) in settings.Properties)
        {
            if (string.IsNullOrWhiteSpace(property)) continue;
            producer[property] = value;
            consumer[property] = value;
        }

        return new KafkaEndpointOptions
        {
            Name = name,
            BootstrapServers = string.Join(',', servers),
            ConsumeTopics = consume,
            GroupId = groupId,
            Topics = new KafkaTopicRouter(fixedTopic, map),
            KeyHeader = settings.KeyHeader.Trim(),
            Tls = tls,
            ProducerProperties = producer,
            ConsumerProperties = consumer,
            SendRetries = settings.SendRetries,
            MaxInFlight = settings.MaxInFlight,
            OutboundCapacity = settings.OutboundCapacity,
            OutboundMaxBytes = settings.OutboundMaxBytes,
            CommitInterval = settings.CommitInterval,
            StopTimeout = settings.StopTimeout,
            MaxReplays = settings.MaxReplays,
            ReplayTimeout = settings.ReplayTimeout,
        };
    }

    private static List<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

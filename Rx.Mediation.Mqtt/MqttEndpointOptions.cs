using MQTTnet;
using MQTTnet.Formatter;
using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors.Tls;

namespace Rx.Mediation.Mqtt;

/// <summary>A validated MQTT endpoint configuration (see <see cref="MqttSettings"/> for the configured form and defaults).</summary>
public sealed record MqttEndpointOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    /// <summary>TLS to the broker; null for plain TCP.</summary>
    public BrokerTls? Tls { get; init; }

    /// <summary>Null lets the endpoint pick a unique id (only with CleanStart).</summary>
    public string? ClientId { get; init; }

    public bool CleanStart { get; init; } = true;

    /// <summary>How long the broker keeps the session after a disconnect; 0 ends it with the connection.</summary>
    public uint SessionExpirySeconds { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public int Qos { get; init; } = 1;

    public bool Retain { get; init; }

    public IReadOnlyList<string> Subscriptions { get; init; } = [];

    public int KeepAliveSeconds { get; init; } = 30;

    /// <summary>
    /// Events queued for the broker. Routes sending here hold back once half of it is queued (resumed at a quarter), so
    /// it overflows only when events are handed over other than through a route; then they are dropped and counted.
    /// </summary>
    public int OutboundCapacity { get; init; } = 10_000;

    /// <summary>
    /// Payload bytes queued for the broker, at most: the queue is full at this or at <see cref="OutboundCapacity"/>,
    /// whichever comes first, and routes hold back at half of either.
    /// </summary>
    public long OutboundMaxBytes { get; init; } = OutboundQueue.DefaultMaxBytes;

    public int MaxInFlight { get; init; } = 1_000;

    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a message the routes refuse is offered again before the endpoint gives up on it.</summary>
    public int MaxAdmissionRetries { get; init; } = 50;

    /// <summary>How long stopping waits for queued and in-flight messages to be acknowledged.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The shared sending pipeline's settings: a publish the connection lost before its acknowledgement is sent again
    /// once reconnected (100 ms doubling to 5 s between attempts); an error reason code from the broker fails it at once.
    /// </summary>
    public Connectors.Sending.SendPipelineOptions SendPipeline => new()
    {
        Kind = "MQTT",
        OutboundCapacity = OutboundCapacity,
        OutboundMaxBytes = OutboundMaxBytes,
        MaxInFlight = MaxInFlight,
        RefusalRetries = 0,
    };

    /// <summary>Extra check of a topic before publishing (Solace rules); returns why it cannot be published, or null.</summary>
    public Func<string, string?>? PublishTopicCheck { get; init; }

    /// <summary>What health details and logs call the broker, e.g. "MQTT broker 127.0.0.1:1883".</summary>
    public string? Description { get; init; }

    internal string Address => Tls is null ? $"{Host}:{Port}" : $"{Host}:{Port} (TLS)";

    /// <summary>At-least-once across reconnects needs the broker to keep the session: a fixed id, no clean start, an expiry.</summary>
    internal bool PersistentSession => !CleanStart && SessionExpirySeconds > 0;

    /// <summary>
    /// MQTTnet's connection options: MQTT 5, the session settings, and a receive maximum of 100 (how many QoS 1/2
    /// messages the broker may have unacknowledged with the endpoint while its routes decide).
    /// </summary>
    internal MqttClientOptions ToClientOptions(string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(CleanStart)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(KeepAliveSeconds))
            .WithReceiveMaximum(100);
        if (SessionExpirySeconds > 0) builder.WithSessionExpiryInterval(SessionExpirySeconds);
        if (Username is not null) builder.WithCredentials(Username, Password);
        if (Tls is { } tls)
        {
            var host = tls.ServerName ?? Host;
            var settings = new MqttClientTlsOptionsBuilder()
                .UseTls()
                .WithTargetHost(host)
                .WithCertificateValidationHandler(e => tls.Accept(host, e.Certificate, e.SslPolicyErrors, e.Chain));
            if (tls.ClientCertificate is { } certificate) settings.WithClientCertificates([certificate]);
            builder.WithTlsOptions(settings.Build());
        }
        return builder.Build();
    }
}

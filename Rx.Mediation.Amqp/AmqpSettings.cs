using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Amqp;

/// <summary>
/// Settings of an <c>amqp10</c> (alias <c>jms</c>) endpoint, bound from <c>Mediation:Endpoints:{name}</c>.
/// Defaults suit a local broker; see docs/endpoints/amqp10.md.
/// </summary>
public sealed class AmqpSettings
{
    [Setting("Broker host.", Required = true, Default = "`127.0.0.1`")]
    public string Host { get; set; } = "127.0.0.1";

    [Setting("Broker port.", Default = "`5672`, `5671` with TLS")]
    [AtLeast(1), AtMost(65535)]
    public int? Port { get; set; }

    /// <summary>The port connected to: <see cref="Port"/>, else the AMQP default for plain TCP or TLS.</summary>
    public int EffectivePort => Port ?? (Tls.IsOn ? 5671 : 5672);

    [Setting("Hostname sent in the AMQP `open` frame. RabbitMQ selects a vhost with `vhost:NAME`; Azure Service Bus wants the namespace host.", Default = "= `Host`")]
    public string? VirtualHost { get; set; }

    [Setting("SASL PLAIN user. Without one the connection uses SASL ANONYMOUS. With one, only PLAIN is allowed (no silent fallback to ANONYMOUS).")]
    public string? Username { get; set; }

    [Setting("Password for `Username`. Prefer `PasswordEnv`. Never logged.")]
    public string? Password { get; set; }

    [Setting("Name of an environment variable holding the password (preferred to `Password`); a name that is not set is a configuration error.")]
    public string? PasswordEnv { get; set; }

    [Setting("TLS to the broker (`amqps`): `Enabled`, `CaFile`, `CertFile`/`KeyFile`, `CheckHostname` ([TLS to brokers](tls.md), the same for every connector). "
        + "`ServerName` is not supported here (AMQPNetLite checks `Host`).", Default = "off")]
    public Connectors.Tls.TlsSettings Tls { get; set; } = new();

    [Setting("AMQP container id.", Default = "`rx-mediation-{endpoint}-{random}`")]
    public string? ContainerId { get; set; }

    [Setting("Where sent events go: a fixed address (`/queue/orders`) or a template where `{topic}` is replaced by the event's topic "
        + "(`/queue/{topic}`, `/topic/{topic}`, `/exchange/amq.topic/{topic}`, `topic://{topic}`). `{topic}` at most once.")]
    public string Address { get; set; } = AmqpAddressTemplate.Placeholder;

    [Setting("Sent messages are durable (JMS `PERSISTENT`) unless an event's `jms-delivery-mode` header says otherwise; link termini ask for durability `unsettled-state`.")]
    public bool Durable { get; set; } = true;

    [Setting("Comma-separated addresses to consume (no templates). Empty: the endpoint only sends.")]
    public string? Receive { get; set; }

    [Setting("Link credit per receive address: how many unsettled messages the broker may push.")]
    [AtLeast(1), AtMost(100_000)]
    public int Credit { get; set; } = 100;

    [Setting("Sent events held by the connection at once (waiting for credit, unsettled, or waiting to be retried).")]
    [AtLeast(1)]
    public int MaxInFlight { get; set; } = 1000;

    [Setting(OutboundQueueSettings.Capacity)]
    [AtLeast(1)]
    public int OutboundCapacity { get; set; } = 10_000;

    [Setting(OutboundQueueSettings.MaxBytes)]
    [AtLeast(1)]
    public long OutboundMaxBytes { get; set; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    [Renamed(nameof(OutboundCapacity))]
    public string? QueueCapacity { get; set; }

    [Renamed(nameof(OutboundMaxBytes))]
    public string? QueueMaxBytes { get; set; }

    /// <summary>
    /// The shared sending pipeline's settings: a refusal (REJECTED, RELEASED, MODIFIED, a closed link) is sent again
    /// <see cref="MaxRetries"/> times, <see cref="RetryDelay"/> doubling to 10 s between attempts.
    /// </summary>
    internal Connectors.Sending.SendPipelineOptions SendPipeline => new()
    {
        Kind = "AMQP 1.0",
        OutboundCapacity = OutboundCapacity,
        OutboundMaxBytes = OutboundMaxBytes,
        MaxInFlight = MaxInFlight,
        RefusalRetries = MaxRetries,
        RetryDelay = RetryDelay,
        MaxRetryDelay = TimeSpan.FromSeconds(10),
    };

    [Setting("Resends of a message the broker answered REJECTED, RELEASED or MODIFIED (or whose link the broker closed) before it counts as failed.")]
    [AtLeast(0)]
    public int MaxRetries { get; set; } = 5;

    [Setting("First retry delay, doubled per attempt, at most 10 s.")]
    [AtLeast("0s")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    [Setting("First reconnect delay, doubled per failed attempt …")]
    [Positive]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Setting("… up to this (not below `ReconnectDelay`). Also the delay before re-attaching a receive link the broker refused.")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Setting("How long stopping waits for queued and in-flight events to be accepted by the broker.")]
    [AtLeast("0s")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Renamed(nameof(RetryDelay))]
    public string? RetryBackoff { get; set; }

    [Renamed(nameof(ReconnectDelay))]
    public string? ReconnectBackoff { get; set; }

    [Renamed(nameof(MaxReconnectDelay))]
    public string? MaxReconnectBackoff { get; set; }

    [Renamed(nameof(StopTimeout))]
    public string? DrainTimeout { get; set; }

    [Renamed(nameof(Username))]
    public string? User { get; set; }

    [Setting("Delay before releasing a message the routes refused when they name no Retry-After.")]
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public IReadOnlyList<string> ReceiveAddresses =>
        (Receive ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The password from <see cref="PasswordEnv"/> or <see cref="Password"/>.</summary>
    public string? ResolvePassword() =>
        !string.IsNullOrWhiteSpace(PasswordEnv) ? Environment.GetEnvironmentVariable(PasswordEnv) : Password;

    /// <summary>What is wrong, as (setting, problem) pairs; empty when valid.</summary>
    public IEnumerable<(string Setting, string Problem)> Validate()
    {
        foreach (var problem in SettingRules.Problems(this)) yield return problem;
        if (string.IsNullOrWhiteSpace(Address)) yield return (nameof(Address), "must not be empty");
        else if (Address.Split(AmqpAddressTemplate.Placeholder).Length > 2) yield return (nameof(Address), $"may hold {AmqpAddressTemplate.Placeholder} once, got '{Address}'");
        if (MaxReconnectDelay < ReconnectDelay) yield return (nameof(MaxReconnectDelay), "must be at least ReconnectDelay");
        if (!string.IsNullOrWhiteSpace(PasswordEnv) && Environment.GetEnvironmentVariable(PasswordEnv) is null)
            yield return (nameof(PasswordEnv), $"names environment variable '{PasswordEnv}', which is not set");
        if (!string.IsNullOrWhiteSpace(Password) && string.IsNullOrWhiteSpace(Username))
            yield return (nameof(Username), "is required when a password is given");
        if (TlsProblem() is { } tls) yield return tls;
        // AMQPNetLite checks the name against the host it connects to; it cannot be told to expect another.
        if (!string.IsNullOrWhiteSpace(Tls.ServerName)) yield return ("Tls:ServerName", "is not supported for AMQP 1.0: the broker's certificate is checked against Host");
        foreach (var address in ReceiveAddresses)
        {
            if (address.Contains(AmqpAddressTemplate.Placeholder, StringComparison.Ordinal))
                yield return (nameof(Receive), $"names addresses to consume, not templates: '{address}'");
        }
    }

    /// <summary>The TLS settings' first problem, with its key relative to the endpoint (<c>Tls:CaFile</c>).</summary>
    private (string Setting, string Problem)? TlsProblem()
    {
        try
        {
            Tls.ToOptions("", "");
            return null;
        }
        catch (EndpointConfigurationException ex)
        {
            return (ex.Key.TrimStart(':'), ex.Problem);
        }
    }
}

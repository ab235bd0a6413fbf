using Rx.Mediation.Connectors;

namespace Rx.Mediation.Amqp;

/// <summary>
/// Settings of an <c>amqp10</c> (alias <c>jms</c>) endpoint, bound from <c>Mediation:Endpoints:{name}</c>.
/// Defaults suit a local broker; see docs/endpoints/amqp10.md.
/// </summary>
public sealed class AmqpSettings
{
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>5672, or 5671 with TLS.</summary>
    public int? Port { get; set; }

    /// <summary>The port connected to: <see cref="Port"/>, else the AMQP default for plain TCP or TLS.</summary>
    public int EffectivePort => Port ?? (Tls.IsOn ? 5671 : 5672);

    /// <summary>Hostname sent in the AMQP open frame (RabbitMQ reads <c>vhost:NAME</c> here); default: <see cref="Host"/>.</summary>
    public string? VirtualHost { get; set; }

    /// <summary>SASL PLAIN user; without one the connection uses SASL ANONYMOUS.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Name of an environment variable holding the password (preferred over <see cref="Password"/>).</summary>
    public string? PasswordEnv { get; set; }

    /// <summary>TLS to the broker (<c>amqps</c>, <see cref="Connectors.Tls.TlsSettings"/>).</summary>
    public Connectors.Tls.TlsSettings Tls { get; set; } = new();

    /// <summary>AMQP container id; default <c>rx-mediation-{endpoint}-{random}</c>.</summary>
    public string? ContainerId { get; set; }

    /// <summary>Where sent events go: an address, or a template with <c>{topic}</c>.</summary>
    public string Address { get; set; } = AmqpAddressTemplate.Placeholder;

    /// <summary>Sent messages are durable (JMS PERSISTENT) and links ask for durable termini, unless an event says otherwise.</summary>
    public bool Durable { get; set; } = true;

    /// <summary>Comma-separated addresses to consume; empty: the endpoint only sends.</summary>
    public string? Receive { get; set; }

    /// <summary>Link credit per receive address: how many unsettled messages the broker may push to us.</summary>
    public int Credit { get; set; } = 100;

    /// <summary>Sent events held at once (waiting for credit, in flight or waiting to retry).</summary>
    public int MaxInFlight { get; set; } = 1000;

    /// <summary>
    /// Outbound queue in front of the connection. Routes sending here hold back once half of it is queued (resumed at a
    /// quarter), so it overflows only when events are handed over other than through a route; then they are dropped and counted.
    /// </summary>
    public int OutboundCapacity { get; set; } = 10_000;

    /// <summary>Payload bytes in the outbound queue, at most: it is full at this or at <see cref="OutboundCapacity"/>, routes hold back at half of either.</summary>
    public long OutboundMaxBytes { get; set; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    /// <summary>The former name of <see cref="OutboundCapacity"/>: refused, naming the new one.</summary>
    public string? QueueCapacity { get; set; }

    /// <summary>The former name of <see cref="OutboundMaxBytes"/>: refused, naming the new one.</summary>
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

    /// <summary>Resends of a message the broker REJECTED, RELEASED or MODIFIED before it counts as failed.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first wait before sending a refused message again, doubled per retry up to 10 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first wait before connecting again, doubled per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long StopAsync waits for queued and in-flight events to be acknowledged.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Former names (<see cref="RenamedSettings"/>): refused, naming the new one.</summary>
    public string? RetryBackoff { get; set; }

    public string? ReconnectBackoff { get; set; }

    public string? MaxReconnectBackoff { get; set; }

    public string? DrainTimeout { get; set; }

    public string? User { get; set; }

    /// <summary>Settings renamed so that one concept has one name on every connector (README, Changes): old → new.</summary>
    internal static readonly IReadOnlyList<(string Old, string New)> RenamedSettings =
    [
        (nameof(QueueCapacity), nameof(OutboundCapacity)), (nameof(QueueMaxBytes), nameof(OutboundMaxBytes)),
        (nameof(RetryBackoff), nameof(RetryDelay)), (nameof(ReconnectBackoff), nameof(ReconnectDelay)),
        (nameof(MaxReconnectBackoff), nameof(MaxReconnectDelay)), (nameof(DrainTimeout), nameof(StopTimeout)),
        (nameof(User), nameof(Username)),
    ];

    /// <summary>Delay before releasing a message the routes refused when they name no Retry-After.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public IReadOnlyList<string> ReceiveAddresses =>
        (Receive ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The password from <see cref="PasswordEnv"/> or <see cref="Password"/>.</summary>
    public string? ResolvePassword() =>
        !string.IsNullOrWhiteSpace(PasswordEnv) ? Environment.GetEnvironmentVariable(PasswordEnv) : Password;

    /// <summary>What is wrong, as (setting, problem) pairs; empty when valid.</summary>
    public IEnumerable<(string Setting, string Problem)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) yield return (nameof(Host), "is required");
        if (Port is < 1 or > 65535) yield return (nameof(Port), $"must be 1–65535, got {Port}");
        if (string.IsNullOrWhiteSpace(Address)) yield return (nameof(Address), "must not be empty");
        else if (Address.Split(AmqpAddressTemplate.Placeholder).Length > 2) yield return (nameof(Address), $"may hold {AmqpAddressTemplate.Placeholder} once, got '{Address}'");
        if (Credit is < 1 or > 100_000) yield return (nameof(Credit), $"must be 1–100000, got {Credit}");
        if (MaxInFlight < 1) yield return (nameof(MaxInFlight), $"must be at least 1, got {MaxInFlight}");
        foreach (var (old, renamed) in RenamedSettings)
        {
            if (Former(old) is not null) yield return (old, $"was renamed {renamed}, as on every connector (README, Changes)");
        }
        if (OutboundCapacity < 1) yield return (nameof(OutboundCapacity), $"must be at least 1, got {OutboundCapacity}");
        if (OutboundMaxBytes < 1) yield return (nameof(OutboundMaxBytes), $"must be at least 1, got {OutboundMaxBytes}");
        if (MaxRetries < 0) yield return (nameof(MaxRetries), $"must not be negative, got {MaxRetries}");
        if (RetryDelay < TimeSpan.Zero) yield return (nameof(RetryDelay), "must not be negative");
        if (ReconnectDelay <= TimeSpan.Zero) yield return (nameof(ReconnectDelay), "must be positive");
        if (MaxReconnectDelay < ReconnectDelay) yield return (nameof(MaxReconnectDelay), "must be at least ReconnectDelay");
        if (StopTimeout < TimeSpan.Zero) yield return (nameof(StopTimeout), "must not be negative");
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

    private string? Former(string name) => name switch
    {
        nameof(QueueCapacity) => QueueCapacity,
        nameof(QueueMaxBytes) => QueueMaxBytes,
        nameof(RetryBackoff) => RetryBackoff,
        nameof(ReconnectBackoff) => ReconnectBackoff,
        nameof(MaxReconnectBackoff) => MaxReconnectBackoff,
        nameof(DrainTimeout) => DrainTimeout,
        nameof(User) => User,
        _ => null,
    };

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

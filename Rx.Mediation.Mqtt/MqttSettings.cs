using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors.Tls;
using Rx.Mediation.Connectors;

namespace Rx.Mediation.Mqtt;

/// <summary>
/// The configuration of a <c>mqtt5</c> (alias <c>mqtt</c>) endpoint, section <c>Mediation:Endpoints:{name}</c>:
/// <code>
/// "sensors": { "Type": "mqtt5", "Host": "127.0.0.1", "Port": 1883, "Subscriptions": "sensors/+/temp, $share/g/alerts/#", "Qos": 1 }
/// </code>
/// </summary>
public sealed class MqttSettings
{
    public string? Host { get; set; }

    /// <summary>1883, or 8883 with TLS.</summary>
    public int? Port { get; set; }

    /// <summary>TLS to the broker (<see cref="TlsSettings"/>).</summary>
    public TlsSettings Tls { get; set; } = new();

    public string? ClientId { get; set; }

    public bool CleanStart { get; set; } = true;

    /// <summary>Session expiry after disconnect, e.g. <c>00:10:00</c>; zero (the default) ends the session with the connection.</summary>
    public TimeSpan SessionExpiry { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Name of an environment variable holding the password (preferred over <see cref="Password"/>).</summary>
    public string? PasswordEnv { get; set; }

    public int Qos { get; set; } = 1;

    public bool Retain { get; set; }

    /// <summary>Comma-separated topic filters with <c>+</c>/<c>#</c>, shared ones as <c>$share/{group}/{filter}</c>.</summary>
    public string? Subscriptions { get; set; }

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events queued for the broker; routes sending here hold back at half of it (see <see cref="MqttEndpointOptions.OutboundCapacity"/>).</summary>
    public int OutboundCapacity { get; set; } = 10_000;

    /// <summary>Payload bytes queued for the broker, at most (see <see cref="MqttEndpointOptions.OutboundMaxBytes"/>).</summary>
    public long OutboundMaxBytes { get; set; } = OutboundQueue.DefaultMaxBytes;

    public int MaxInFlight { get; set; } = 1_000;

    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxAdmissionRetries { get; set; } = 50;

    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting and returns the endpoint's options; the first problem is thrown naming its key.</summary>
    public MqttEndpointOptions ToOptions(EndpointContext context, Func<string, string>? translateSubscription = null)
    {
        string Key(string setting) => $"{context.Key}:{setting}";
        EndpointConfigurationException Bad(string setting, string problem) => new(context.Name, Key(setting), problem);

        var host = context.Required(nameof(Host), Host).Trim();
        if (Port is < 1 or > 65535) throw Bad(nameof(Port), $"must be between 1 and 65535, got {Port}");
        var tls = Tls.ToOptions(context);
        if (Qos is < 0 or > 2) throw Bad(nameof(Qos), $"must be 0, 1 or 2, got {Qos}");
        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds > uint.MaxValue) throw Bad(nameof(SessionExpiry), $"must be between 0 and {uint.MaxValue} seconds, got {SessionExpiry}");
        if (!CleanStart && string.IsNullOrWhiteSpace(ClientId)) throw Bad(nameof(ClientId), "is required when CleanStart is false (the broker finds the session by client id)");
        if (!CleanStart && SessionExpiry <= TimeSpan.Zero) throw Bad(nameof(SessionExpiry), "must be positive when CleanStart is false, or the broker forgets the session at every disconnect");
        if (ClientId is { Length: > 0 } id && (id.Contains('+') || id.Contains('#') || id.Contains('/'))) throw Bad(nameof(ClientId), $"must not contain '/', '+' or '#', got '{id}'");
        if (KeepAlive < TimeSpan.FromSeconds(5) || KeepAlive > TimeSpan.FromSeconds(65535)) throw Bad(nameof(KeepAlive), $"must be between 5 s and 65,535 s, got {KeepAlive}");
        if (OutboundCapacity < 1) throw Bad(nameof(OutboundCapacity), $"must be at least 1, got {OutboundCapacity}");
        if (OutboundMaxBytes < 1) throw Bad(nameof(OutboundMaxBytes), $"must be at least 1, got {OutboundMaxBytes}");
        if (MaxInFlight is < 1 or > 65535) throw Bad(nameof(MaxInFlight), $"must be between 1 and 65535, got {MaxInFlight}");
        if (ReconnectDelay < TimeSpan.FromSeconds(1)) throw Bad(nameof(ReconnectDelay), $"must be at least 1 s, got {ReconnectDelay}");
        if (MaxReconnectDelay < ReconnectDelay) throw Bad(nameof(MaxReconnectDelay), $"must not be below ReconnectDelay ({ReconnectDelay}), got {MaxReconnectDelay}");
        if (MaxAdmissionRetries < 0) throw Bad(nameof(MaxAdmissionRetries), $"must not be negative, got {MaxAdmissionRetries}");
        if (StopTimeout < TimeSpan.Zero) throw Bad(nameof(StopTimeout), $"must not be negative, got {StopTimeout}");

        var password = Password;
        if (!string.IsNullOrWhiteSpace(PasswordEnv))
        {
            password = Environment.GetEnvironmentVariable(PasswordEnv);
            if (password is null) throw Bad(nameof(PasswordEnv), $"names the environment variable '{PasswordEnv}', which is not set");
        }
        if (password is not null && string.IsNullOrEmpty(Username)) throw Bad(nameof(Username), "is required when a password is given");

        var subscriptions = new List<string>();
        foreach (var raw in (Subscriptions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string subscription;
            try
            {
                subscription = translateSubscription is null ? raw : translateSubscription(raw);
            }
            catch (FormatException ex)
            {
                throw Bad(nameof(Subscriptions), $"has a bad filter: {ex.Message}");
            }
            if (MqttTopics.CheckSubscription(subscription) is { } problem) throw Bad(nameof(Subscriptions), $"has a bad filter: {problem}");
            subscriptions.Add(subscription);
        }

        return new MqttEndpointOptions
        {
            Host = host,
            Port = Port ?? (tls is null ? 1883 : 8883),
            Tls = tls,
            ClientId = string.IsNullOrWhiteSpace(ClientId) ? null : ClientId.Trim(),
            CleanStart = CleanStart,
            SessionExpirySeconds = (uint)SessionExpiry.TotalSeconds,
            Username = string.IsNullOrEmpty(Username) ? null : Username,
            Password = password,
            Qos = Qos,
            Retain = Retain,
            Subscriptions = subscriptions,
            KeepAliveSeconds = (int)KeepAlive.TotalSeconds,
            OutboundCapacity = OutboundCapacity,
            OutboundMaxBytes = OutboundMaxBytes,
            MaxInFlight = MaxInFlight,
            ReconnectDelay = ReconnectDelay,
            MaxReconnectDelay = MaxReconnectDelay,
            MaxAdmissionRetries = MaxAdmissionRetries,
            StopTimeout = StopTimeout,
        };
    }
}

using Rx.Mediation.Bridging;
using Rx.Mediation.Connectors.Tls;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Mqtt;

/// <summary>
/// The configuration of a <c>mqtt5</c> (alias <c>mqtt</c>) endpoint, section <c>Mediation:Endpoints:{name}</c>:
/// <code>
/// "sensors": { "Type": "mqtt5", "Host": "127.0.0.1", "Port": 1883, "Subscriptions": "sensors/+/temp, $share/g/alerts/#", "Qos": 1 }
/// </code>
/// </summary>
public sealed class MqttSettings
{
    [Setting("Broker host name or address.", Required = true)]
    public string? Host { get; set; }

    [Setting("Broker port.", Default = "`1883`, `8883` with TLS")]
    [AtLeast(1), AtMost(65535)]
    public int? Port { get; set; }

    [Setting("TLS to the broker: `CaFile`, `CertFile`/`KeyFile`, `CheckHostname`, `ServerName` ([TLS to brokers](tls.md)).", Default = "off")]
    public TlsSettings Tls { get; set; } = new();

    [Setting("MQTT client identifier, without `/`, `+` or `#`. Required when `CleanStart=false`.", Default = "`rx-{name}-{guid}`")]
    public string? ClientId { get; set; }

    [Setting("`false` resumes the broker-side session (subscriptions and queued QoS 1/2 messages).")]
    public bool CleanStart { get; set; } = true;

    [Setting("How long the broker keeps the session after a disconnect (e.g. `10m`); `0s` ends it with the connection. Must be positive when `CleanStart=false`.")]
    [AtLeast("0s"), AtMost("4294967295s")]
    public TimeSpan SessionExpiry { get; set; }

    [Setting("User name; required when a password is given.")]
    public string? Username { get; set; }

    [Setting("Password; prefer `PasswordEnv`. Never logged.")]
    public string? Password { get; set; }

    [Setting("Name of an environment variable holding the password (preferred to `Password`); a name that is not set is a configuration error.")]
    public string? PasswordEnv { get; set; }

    [Setting("QoS of publishes and subscriptions: 0, 1 or 2.")]
    [AtLeast(0), AtMost(2)]
    public int Qos { get; set; } = 1;

    [Setting("Publish with the retain flag.")]
    public bool Retain { get; set; }

    [Setting("Comma-separated filters with `+` and `#`; shared subscriptions as `$share/{group}/{filter}` (the group is stripped when matching). Without subscriptions the endpoint only publishes.")]
    public string? Subscriptions { get; set; }

    [Setting("MQTT keep-alive.")]
    [AtLeast("5s"), AtMost("65535s")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    [Setting(OutboundQueueSettings.Capacity)]
    [AtLeast(1)]
    public int OutboundCapacity { get; set; } = 10_000;

    [Setting(OutboundQueueSettings.MaxBytes)]
    [AtLeast(1)]
    public long OutboundMaxBytes { get; set; } = OutboundQueue.DefaultMaxBytes;

    [Setting("Publishes awaiting the broker's acknowledgement at once; lowered to the broker's Receive Maximum when its CONNACK "
        + "announces a smaller one (Mosquitto's `max_inflight_messages`, 20 by default).")]
    [AtLeast(1), AtMost(65535)]
    public int MaxInFlight { get; set; } = 1_000;

    [Setting("Exponential reconnect back-off: the wait after a lost connection, doubled after every failed attempt up to `MaxReconnectDelay`.")]
    [AtLeast("1s")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Setting("The longest wait between reconnect attempts; not below `ReconnectDelay`.")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Setting("How often a received message the routes refuse is offered again (after the route's `RetryAfter`) before the endpoint gives up on it (see below).")]
    [AtLeast(0)]
    public int MaxAdmissionRetries { get; set; } = 50;

    [Setting("How long stopping waits for queued and in-flight publishes to be acknowledged.")]
    [AtLeast("0s")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every setting and returns the endpoint's options; the first problem is thrown naming its key.</summary>
    public MqttEndpointOptions ToOptions(EndpointContext context, Func<string, string>? translateSubscription = null)
    {
        string Key(string setting) => $"{context.Key}:{setting}";
        EndpointConfigurationException Bad(string setting, string problem) => new(context.Name, Key(setting), problem);

        SettingRules.Check(this, context.Name, context.Key);
        var host = Host!.Trim();
        var tls = Tls.ToOptions(context);
        if (!CleanStart && string.IsNullOrWhiteSpace(ClientId)) throw Bad(nameof(ClientId), "is required when CleanStart is false (the broker finds the session by client id)");
        if (!CleanStart && SessionExpiry <= TimeSpan.Zero) throw Bad(nameof(SessionExpiry), "must be positive when CleanStart is false, or the broker forgets the session at every disconnect");
        if (ClientId is { Length: > 0 } id && (id.Contains('+') || id.Contains('#') || id.Contains('/'))) throw Bad(nameof(ClientId), $"must not contain '/', '+' or '#', got '{id}'");
        if (MaxReconnectDelay < ReconnectDelay) throw Bad(nameof(MaxReconnectDelay), $"must not be below ReconnectDelay ({ReconnectDelay}), got {MaxReconnectDelay}");

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

using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.RabbitMq;

/// <summary>A <c>rabbitmq</c> endpoint's validated settings, with their defaults.</summary>
public sealed record RabbitMqOptions
{
    public required Uri Address { get; init; }

    /// <summary>TLS to the broker; null for plain TCP.</summary>
    public Connectors.Tls.BrokerTls? Tls { get; init; }

    /// <summary>Password kept apart from <see cref="Address"/> so that the address can always be shown.</summary>
    public required string Password { get; init; }

    public string Exchange { get; init; } = "";
    public string ExchangeType { get; init; } = "topic";
    public string? RoutingKey { get; init; }
    public bool Mandatory { get; init; }
    public bool Persistent { get; init; } = true;
    public int MaxInFlight { get; init; } = 256;
    /// <summary>
    /// Events queued in front of the publisher. Routes sending here hold back once half of it is queued (resumed at a
    /// quarter), so it overflows only when events are handed over other than through a route; then they are dropped and counted.
    /// </summary>
    public int OutboundCapacity { get; init; } = 10_000;
    /// <summary>Payload bytes queued in front of the publisher, at most: the queue is full at this or at <see cref="OutboundCapacity"/>.</summary>
    public long OutboundMaxBytes { get; init; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    /// <summary>
    /// The shared sending pipeline's settings: a nack or a channel closed by the broker is sent again 4 times (the fifth
    /// fails it), a publish with no confirm within 30 s is sent again, the wait between attempts doubles from 100 ms to 5 s.
    /// </summary>
    public Connectors.Sending.SendPipelineOptions SendPipeline => new()
    {
        Kind = "RabbitMQ",
        OutboundCapacity = OutboundCapacity,
        OutboundMaxBytes = OutboundMaxBytes,
        MaxInFlight = MaxInFlight,
        RefusalRetries = 4,
        AttemptTimeout = TimeSpan.FromSeconds(30),
    };

    public IReadOnlyList<string> Queues { get; init; } = [];
    public ushort Prefetch { get; init; } = 100;

    /// <summary>0 = no limit: a refusal means the routes are full, not that the message is bad.</summary>
    public int MaxRedeliveries { get; init; }

    public string? DeadLetterExchange { get; init; }
    public bool Declare { get; init; }
    public IReadOnlyList<string> BindingKeys { get; init; } = ["#"];

    public bool AutomaticRecoveryEnabled { get; init; } = true;
    public bool TopologyRecoveryEnabled { get; init; } = true;
    public TimeSpan NetworkRecoveryInterval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker address with any password replaced by ***, for logs and health details.</summary>
    public string DisplayAddress => RabbitMqAddress.Mask(Address);

    private static readonly string[] ExchangeTypes = ["direct", "fanout", "topic", "headers"];

    /// <param name="environment">Reads <c>PasswordEnv</c>; injectable for specs.</param>
    public static RabbitMqOptions From(EndpointContext context, RabbitMqSettings s, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string Key(string setting) => $"{context.Key}:{setting}";
        EndpointConfigurationException Bad(string setting, string problem) => new(context.Name, Key(setting), problem);

        SettingRules.Check(s, context.Name, context.Key);
        Uri address;
        string? password = null;
        if (!string.IsNullOrWhiteSpace(s.Uri))
        {
            // A value that does not parse is not echoed: where its password ends cannot be told.
            if (!System.Uri.TryCreate(s.Uri.Trim(), UriKind.Absolute, out var parsed))
                throw Bad("Uri", "is not a URI (the value is not shown: it may hold a password); percent-encode '/', '@', ':' and '%' in the user name and password, or give the password as Password");
            if (parsed.Scheme != "amqp" && parsed.Scheme != "amqps")
                throw Bad("Uri", $"'{RabbitMqAddress.MaskText(s.Uri)}' is not an amqp:// or amqps:// URI");
            if (s.Host is not null) throw Bad("Host", "cannot be set together with Uri");
            (address, password) = RabbitMqAddress.SplitPassword(parsed);
        }
        else
        {
            var host = context.Required("Host (or Uri)", s.Host);
            var secure = s.Tls.IsOn;
            var port = s.Port ?? (secure ? 5671 : 5672);
            var vhost = string.IsNullOrEmpty(s.VirtualHost) ? "/" : s.VirtualHost;
            var user = string.IsNullOrEmpty(s.Username) ? "guest" : s.Username;
            address = new Uri($"{(secure ? "amqps" : "amqp")}://{System.Uri.EscapeDataString(user)}@{host}:{port}/{System.Uri.EscapeDataString(vhost)}");
        }
        var tls = s.Tls.ToOptions(context, impliedByAddress: address.Scheme == "amqps");
        if (tls is not null && address.Scheme == "amqp") address = new UriBuilder(address) { Scheme = "amqps" }.Uri;
        if (s.Password is not null) password = s.Password;
        if (!string.IsNullOrWhiteSpace(s.PasswordEnv))
        {
            password = environment(s.PasswordEnv.Trim()) ?? throw Bad("PasswordEnv", $"names environment variable '{s.PasswordEnv.Trim()}', which is not set");
        }
        var exchangeType = s.ExchangeType.Trim().ToLowerInvariant();
        if (!ExchangeTypes.Contains(exchangeType)) throw Bad("ExchangeType", $"must be one of {string.Join(", ", ExchangeTypes)}, not '{s.ExchangeType}'");
        var queues = Split(s.Queues);
        var exchange = s.Exchange.Trim();
        return new RabbitMqOptions
        {
            Address = address,
            Password = password ?? "guest",
            Tls = tls,
            Exchange = exchange,
            ExchangeType = exchangeType,
            RoutingKey = string.IsNullOrWhiteSpace(s.RoutingKey) ? null : s.RoutingKey.Trim(),
            Mandatory = s.Mandatory,
            Persistent = s.Persistent,
            MaxInFlight = s.MaxInFlight,
            OutboundCapacity = s.OutboundCapacity,
            OutboundMaxBytes = s.OutboundMaxBytes,
            Queues = queues,
            Prefetch = (ushort)s.Prefetch,
            MaxRedeliveries = s.MaxRedeliveries,
            DeadLetterExchange = string.IsNullOrWhiteSpace(s.DeadLetterExchange) ? null : s.DeadLetterExchange.Trim(),
            Declare = s.Declare,
            BindingKeys = Split(s.BindingKeys),
            AutomaticRecoveryEnabled = s.AutomaticRecoveryEnabled,
            TopologyRecoveryEnabled = s.TopologyRecoveryEnabled,
            NetworkRecoveryInterval = s.NetworkRecoveryInterval,
            StopTimeout = s.StopTimeout,
        };
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

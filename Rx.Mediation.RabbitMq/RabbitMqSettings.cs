using Rx.Mediation.Connectors.Tls;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// The configuration section of a <c>rabbitmq</c> endpoint as bound from <c>Mediation:Endpoints:{name}</c>.
/// <see cref="RabbitMqOptions.From"/> validates it; defaults live there so that they are documented in one place.
/// </summary>
public sealed class RabbitMqSettings
{
    public string? Uri { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; }
    public string? VirtualHost { get; set; }
    public string? Username { get; set; }
    /// <summary>The former name of <see cref="Username"/>: refused, naming the new one (README, Changes).</summary>
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? PasswordEnv { get; set; }

    /// <summary>TLS to the broker (<see cref="TlsSettings"/>); an <c>amqps://</c> URI turns it on too.</summary>
    public TlsSettings Tls { get; set; } = new();

    public string? Exchange { get; set; }
    public string? ExchangeType { get; set; }
    public string? RoutingKey { get; set; }
    public bool? Mandatory { get; set; }
    public bool? Persistent { get; set; }
    public int? MaxInFlight { get; set; }
    /// <summary>Events queued in front of the publisher (default 10,000); routes sending here hold back at half of it.</summary>
    public int? OutboundCapacity { get; set; }
    /// <summary>Payload bytes queued in front of the publisher, at most (default 32 MiB); routes hold back at half of it.</summary>
    public long? OutboundMaxBytes { get; set; }

    public string? Queues { get; set; }
    public int? Prefetch { get; set; }
    public int? MaxRedeliveries { get; set; }
    public string? DeadLetterExchange { get; set; }

    public bool? Declare { get; set; }
    public string? BindingKeys { get; set; }

    public bool? AutomaticRecoveryEnabled { get; set; }
    public bool? TopologyRecoveryEnabled { get; set; }
    public TimeSpan? NetworkRecoveryInterval { get; set; }
    public TimeSpan? StopTimeout { get; set; }
}

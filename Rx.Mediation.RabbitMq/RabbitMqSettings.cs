using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Connectors.Tls;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// The configuration section of a <c>rabbitmq</c> endpoint as bound from <c>Mediation:Endpoints:{name}</c>;
/// <see cref="RabbitMqOptions.From"/> validates it. Each setting's meaning, default and bounds are declared here once:
/// the table in docs/endpoints/rabbitmq.md is generated from them (eng/docs-settings.sh).
/// </summary>
public sealed class RabbitMqSettings
{
    [Setting("`amqp://user:password@host:port/vhost` (or `amqps://`). The password in it is taken out and never shown; percent-encode "
        + "`/`, `@`, `:` and `%` in it. A value that is not a URI is refused without being echoed (where its password ends cannot be told), "
        + "and any text that shows an address hides everything from the first `:` after `//` to the last `@`. Either `Uri` or `Host` is required.",
        Default = "—")]
    public string? Uri { get; set; }

    [Setting("Broker host, when the address is given setting by setting (not together with `Uri`).", Default = "—")]
    public string? Host { get; set; }

    [Setting("Broker port (with `Host`).", Default = "`5672`, `5671` with TLS")]
    [AtLeast(1), AtMost(65535)]
    public int? Port { get; set; }

    [Setting("Virtual host (with `Host`).", Default = "`/`")]
    public string? VirtualHost { get; set; }

    [Setting("User name (with `Host`; in `Uri` it is the URI's).", Default = "`guest`")]
    public string? Username { get; set; }

    [Renamed(nameof(Username))]
    public string? User { get; set; }

    [Setting("Password; prefer `PasswordEnv`. Never logged, never in health details or errors (`user:***@`).", Default = "`guest`")]
    public string? Password { get; set; }

    [Setting("Name of an environment variable holding the password (preferred to `Password`); a missing variable is a configuration error.")]
    public string? PasswordEnv { get; set; }

    [Setting("TLS to the broker: `CaFile`, `CertFile`/`KeyFile`, `CheckHostname`, `ServerName` ([TLS to brokers](tls.md)); an `amqps://` URI turns it on too.",
        Default = "off (on with `amqps://`)")]
    public TlsSettings Tls { get; set; } = new();

    [Setting("Where events are published; `\"\"` is the default exchange, where the routing key is a queue name.")]
    public string Exchange { get; set; } = "";

    [Setting("`direct`, `fanout`, `topic`, `headers` (for `Declare`).")]
    public string ExchangeType { get; set; } = "topic";

    [Setting("Fixed routing key for everything sent. Topics are used as they are (no `/` → `.` translation).", Default = "the event's topic")]
    public string? RoutingKey { get; set; }

    [Setting("Publish as mandatory: an unroutable message is returned by the broker and the event counts as failed (logged).")]
    public bool Mandatory { get; set; }

    [Setting("Delivery mode 2 (persistent); `false` for transient.")]
    public bool Persistent { get; set; } = true;

    [Setting("Unconfirmed publishes at once.")]
    [AtLeast(1), AtMost(10_000)]
    public int MaxInFlight { get; set; } = 256;

    [Setting(OutboundQueueSettings.Capacity)]
    [AtLeast(1)]
    public int OutboundCapacity { get; set; } = 10_000;

    [Setting(OutboundQueueSettings.MaxBytes)]
    [AtLeast(1)]
    public long OutboundMaxBytes { get; set; } = Rx.Mediation.Bridging.OutboundQueue.DefaultMaxBytes;

    [Setting("Comma-separated queues to consume. Without it the endpoint only sends.")]
    public string? Queues { get; set; }

    [Setting("Unacknowledged deliveries per consumer (basic.qos).")]
    [AtLeast(1), AtMost(ushort.MaxValue)]
    public int Prefetch { get; set; } = 100;

    [Setting("A message the routes refused more than this many times is nacked without requeue — dead-lettered if its queue has a "
        + "dead-letter exchange. `0` (no limit) requeues forever, because a refusal means the routes are full or stopping, not that the message is bad.")]
    [AtLeast(0)]
    public int MaxRedeliveries { get; set; }

    [Setting("See `Declare` and `MaxRedeliveries`.")]
    public string? DeadLetterExchange { get; set; }

    [Setting("Declare the topology at connect: `Exchange` (durable, `ExchangeType`, not for `amq.*`), each queue of `Queues` (durable, with "
        + "`x-dead-letter-exchange` = `DeadLetterExchange` when set) bound to `Exchange` with each of `BindingKeys`, and `DeadLetterExchange` "
        + "(fanout, durable) with a durable queue of the same name bound to it so dead letters are kept.")]
    public bool Declare { get; set; }

    [Setting("Comma-separated binding keys (for `Declare`).")]
    public string BindingKeys { get; set; } = "#";

    [Setting("The client library reconnects and restores channels and consumers after a lost connection.")]
    public bool AutomaticRecoveryEnabled { get; set; } = true;

    [Setting("… and re-declares what was declared on the connection.")]
    public bool TopologyRecoveryEnabled { get; set; } = true;

    [Setting("Delay between recovery attempts; also the first back-off of the endpoint's own connect retries (doubling, at most 30 s).")]
    [Positive]
    public TimeSpan NetworkRecoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Setting("How long stopping waits for queued and unconfirmed events; those left are counted as failed and logged.")]
    [AtLeast("0s")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

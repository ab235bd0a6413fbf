using Rx.Mediation.Connectors.Settings;

namespace Rx.Mediation.Solace;

/// <summary>
/// The settings a <c>solace</c> endpoint takes beyond its transport's (<c>MqttSettings</c> or <c>AmqpSettings</c>, bound
/// from the same section <c>Mediation:Endpoints:{name}</c>). Each is declared here once: the table in
/// docs/endpoints/solace.md is generated from them (eng/docs-settings.sh).
/// </summary>
public sealed class SolaceSettings
{
    [Setting("The message VPN. See *Message VPN* below: it is not sent as such on either transport. Shown in health details (MQTT) and the start-up log line.", Required = true)]
    public string? MessageVpn { get; set; }

    [Setting("`mqtt` (alias `mqtt5`) or `amqp10` (alias `amqp`); anything else is a configuration error.", Default = "`amqp10` with `Queue`/`Queues`, else `mqtt`")]
    public string? Transport { get; set; }

    [Setting("The Solace client name: the MQTT client id (`ClientId`) or the AMQP container id (`ContainerId`).", Default = "generated")]
    public string? ClientName { get; set; }

    [Setting("AMQP only. Comma-separated queues to consume, merged with `Queues`.")]
    public string? Queue { get; set; }

    [Setting("AMQP only. Comma-separated queues to consume (merged with `Queue`). Each is one receive link with `Credit`. Names with white space, "
        + "a wildcard or reserved character (`* > ? ' < & ;`) or more than 200 characters are refused here (check the broker's own naming rules too).")]
    public string? Queues { get; set; }

    [Setting("Solace topic subscriptions. MQTT: translated to MQTT filters. AMQP: one receive link per subscription on the topic address "
        + "(non-durable: messages published while the server is away are not kept; bind a queue for that).")]
    public string? Subscriptions { get; set; }

    [Setting("AMQP only. Where sent events go, in Solace convention: `{topic}` or `topic://…{topic}…` (a Solace topic; the event's topic fills "
        + "`{topic}`), `queue://NAME` (a fixed queue) or `queue://{topic}` (the queue named by the event's topic). A fixed destination is checked "
        + "at start; a per-event one that cannot be sent (wildcard level, bad queue name) counts the event as `Failed` and logs why.", Default = "`{topic}`")]
    public string? Destination { get; set; }

    [Setting("AMQP only. `solace`: PubSub+ addresses. `rabbitmq`: RabbitMQ 3.x plugin addresses (used by the specs). Anything else is a configuration error.", Default = "`solace`")]
    public string? AddressStyle { get; set; }

    /// <summary>The queues of <see cref="Queue"/> and <see cref="Queues"/>, in that order.</summary>
    public IReadOnlyList<string> AllQueues =>
        new[] { Queue, Queues }.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}

using Microsoft.Extensions.Logging;
using Rx.Mediation.Amqp;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Mqtt;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Solace;

/// <summary>
/// Type <c>solace</c>: a Solace PubSub+ message VPN with Solace's conventions (see docs/endpoints/solace.md), on one of
/// two transports PubSub+ speaks natively:
/// <list type="bullet">
/// <item><c>Transport=mqtt</c> (the default for topic-only configurations): an <see cref="MqttEndpoint"/> with Solace's
/// topic syntax; the MQTT settings apply.</item>
/// <item><c>Transport=amqp10</c> (the default when <c>Queue</c>/<c>Queues</c> is set): an <see cref="AmqpEndpoint"/>
/// consuming queues (and topic subscriptions) with credit and settlement tied to the routes' answer, publishing to
/// Solace topics or queues (<c>Destination</c>); the AMQP 1.0 settings apply.</item>
/// </list>
/// </summary>
public sealed class SolaceEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["solace"];

    public IEndpoint Create(EndpointContext context)
    {
        var solace = context.Bind<SolaceSettings>();
        SettingRules.Check(solace, context.Name, context.Key);
        var transport = solace.Transport?.Trim().ToLowerInvariant();
        switch (transport)
        {
            case null or "":
                return solace.AllQueues.Count > 0 ? CreateAmqp(context, solace) : CreateMqtt(context, solace);
            case "mqtt" or "mqtt5":
                return CreateMqtt(context, solace);
            case "amqp10" or "amqp":
                return CreateAmqp(context, solace);
            default:
                throw new EndpointConfigurationException(context.Name, $"{context.Key}:Transport", $"must be mqtt or amqp10, got '{transport}'");
        }
    }

    private static MqttEndpoint CreateMqtt(EndpointContext context, SolaceSettings solace)
    {
        var vpn = solace.MessageVpn!.Trim();
        foreach (var (setting, value) in new[]
        {
            (nameof(SolaceSettings.Queue), solace.Queue), (nameof(SolaceSettings.Queues), solace.Queues),
            (nameof(SolaceSettings.Destination), solace.Destination), (nameof(SolaceSettings.AddressStyle), solace.AddressStyle),
        })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:{setting}", setting is "Queue" or "Queues"
                ? "is not supported over MQTT (Transport=mqtt): MQTT cannot bind to a Solace queue; use Transport=amqp10, or ClientName with CleanStart=false and a SessionExpiry so PubSub+ keeps the session's messages in a queue of its own"
                : "applies to Transport=amqp10 only");
        }
        var settings = context.Bind<MqttSettings>();
        if (solace.ClientName is { Length: > 0 } clientName) settings.ClientId = clientName;
        var mqtt = settings.ToOptions(context, SolaceTopics.ToMqttFilter);
        var options = mqtt with
        {
            PublishTopicCheck = SolaceTopics.CheckPublishTopic,
            Description = $"Solace message VPN '{vpn}' at {mqtt.Address} (MQTT)",
        };
        return new MqttEndpoint(context.Name, options, context.LoggerFactory.CreateLogger<MqttEndpoint>());
    }

    private static AmqpEndpoint CreateAmqp(EndpointContext context, SolaceSettings solace)
    {
        var vpn = solace.MessageVpn!.Trim();
        // The amqp10 endpoint's own address settings would bypass the Solace conventions: say which ones to use.
        foreach (var (setting, instead) in new[] { ("Receive", "Queues and Subscriptions"), ("Address", "Destination") })
        {
            if (!string.IsNullOrWhiteSpace(context.Settings[setting]))
                throw new EndpointConfigurationException(context.Name, $"{context.Key}:{setting}", $"is an amqp10 setting; a solace endpoint takes {instead} (Solace syntax)");
        }
        var styleText = solace.AddressStyle?.Trim();
        SolaceAddressStyle style;
        if (string.IsNullOrEmpty(styleText)) style = SolaceAddressStyle.Solace;
        else if (!Enum.TryParse(styleText, ignoreCase: true, out style) || !Enum.IsDefined(style))
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:AddressStyle", $"must be solace or rabbitmq, got '{styleText}'");

        var receive = new List<string>();
        foreach (var queue in solace.AllQueues)
            receive.Add(Translate(context, "Queues", () => SolaceAmqpAddresses.Queue(queue, style)));
        foreach (var subscription in (solace.Subscriptions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            receive.Add(Translate(context, "Subscriptions", () => SolaceAmqpAddresses.Subscription(subscription, style)));
        var addressing = Translate(context, "Destination", () => new SolaceAmqpAddressing(solace.Destination ?? "", style));

        var settings = context.Bind<AmqpSettings>();
        settings.Receive = string.Join(',', receive);
        if (solace.ClientName is { Length: > 0 } clientName) settings.ContainerId = clientName;
        // PubSub+ picks the VPN by its per-VPN AMQP listen port (Host/Port); RabbitMQ picks its vhost by 'vhost:NAME' in open.
        if (string.IsNullOrWhiteSpace(settings.VirtualHost) && style == SolaceAddressStyle.RabbitMq) settings.VirtualHost = $"vhost:{vpn}";
        foreach (var (setting, problem) in settings.Validate())
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:{setting}", problem);
        var endpoint = new AmqpEndpoint(context.Name, settings, context.LoggerFactory, addressing);
        context.LoggerFactory.CreateLogger<SolaceEndpointProvider>().LogInformation(
            "Solace endpoint {Endpoint}: message VPN '{Vpn}' at {Host}:{Port} (AMQP 1.0, {Style} addresses), receiving {Receive}, sending to {Destination}",
            context.Name, vpn, settings.Host, settings.EffectivePort, style, receive.Count == 0 ? "nothing" : string.Join(", ", receive), addressing.Destination);
        return endpoint;
    }

    private static T Translate<T>(EndpointContext context, string setting, Func<T> translate)
    {
        try
        {
            return translate();
        }
        catch (FormatException ex)
        {
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:{setting}", ex.Message);
        }
    }
}

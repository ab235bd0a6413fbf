using Microsoft.Extensions.Logging;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Endpoints.Mqtt;

namespace Rx.Mediation.Server.Endpoints.Solace;

/// <summary>
/// Type <c>solace</c>: a Solace PubSub+ message VPN through its MQTT 5 service, with Solace's topic syntax. It is an
/// <see cref="MqttEndpoint"/> configured the Solace way (see docs/endpoints/solace.md): the MQTT settings apply, plus
/// <c>MessageVpn</c> (required; the VPN whose MQTT port <c>Host</c>/<c>Port</c> name) and <c>ClientName</c>.
/// </summary>
public sealed class SolaceEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["solace"];

    public IEndpoint Create(EndpointContext context)
    {
        var vpn = context.Required("MessageVpn", context.Settings["MessageVpn"]).Trim();
        if (!string.IsNullOrWhiteSpace(context.Settings["Queue"]))
        {
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:Queue",
                "is not supported over MQTT: use ClientName with CleanStart=false and a SessionExpiry, and PubSub+ keeps the session's messages in a queue of its own");
        }
        var settings = context.Bind<MqttSettings>();
        if (context.Settings["ClientName"] is { Length: > 0 } clientName) settings.ClientId = clientName;
        var options = settings.ToOptions(context, SolaceTopics.ToMqttFilter) with
        {
            PublishTopicCheck = SolaceTopics.CheckPublishTopic,
            Description = $"Solace message VPN '{vpn}' at {settings.Host}:{settings.Port} (MQTT)",
        };
        return new MqttEndpoint(context.Name, options, context.LoggerFactory.CreateLogger<MqttEndpoint>());
    }
}

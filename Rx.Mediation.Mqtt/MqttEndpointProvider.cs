using Microsoft.Extensions.Logging;
using Rx.Mediation.Connectors;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Mqtt;

/// <summary>Types <c>mqtt5</c> and <c>mqtt</c>: an MQTT 5 broker through MQTTnet (see docs/endpoints/mqtt.md).</summary>
public sealed class MqttEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["mqtt5", "mqtt"];

    public IEndpoint Create(EndpointContext context) => Create(context, context.Bind<MqttSettings>());

    internal static MqttEndpoint Create(EndpointContext context, MqttSettings settings) =>
        new(context.Name, settings.ToOptions(context), context.LoggerFactory.CreateLogger<MqttEndpoint>());
}

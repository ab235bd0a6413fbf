using Microsoft.Extensions.Logging;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Server.Endpoints.Mqtt;

/// <summary>Types <c>mqtt5</c> and <c>mqtt</c>: an MQTT 5 broker through MQTTnet (see docs/endpoints/mqtt.md).</summary>
public sealed class MqttEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["mqtt5", "mqtt"];

    public IEndpoint Create(EndpointContext context)
    {
        var options = context.Bind<MqttSettings>().ToOptions(context);
        return new MqttEndpoint(context.Name, options, context.LoggerFactory.CreateLogger<MqttEndpoint>());
    }
}

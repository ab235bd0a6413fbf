using Microsoft.AspNetCore.Builder;
using Rx.Mediation.Amqp;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Kafka;
using Rx.Mediation.Mqtt;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Solace;

namespace Rx.Mediation.Server;

/// <summary>
/// What this executable is made of: the hosting library and the broker connectors it ships. Program, the CLI commands
/// and the specs all start the server through here, so they run the same set of connectors.
/// </summary>
public static class Composition
{
    /// <summary>Every broker connector the server serves, fresh instances (a catalog's providers are its own).</summary>
    public static IReadOnlyList<IEndpointProvider> Connectors() =>
    [
        new KafkaEndpointProvider(),
        new RabbitMqEndpointProvider(),
        new MqttEndpointProvider(),
        new AmqpEndpointProvider(),
        new SolaceEndpointProvider(),
    ];

    /// <summary>The catalog configuration files and <c>Mediation:Endpoints</c> are read with.</summary>
    public static EndpointCatalog Catalog() => new(Connectors());

    /// <summary>The server app with every connector, <paramref name="configure"/> applied after them.</summary>
    public static WebApplication Build(string[] args, Action<MediationServerBuilder>? configure = null) =>
        MediationServer.Build(args, builder =>
        {
            foreach (var connector in Connectors()) builder.Connectors.Add(connector);
            configure?.Invoke(builder);
        });
}

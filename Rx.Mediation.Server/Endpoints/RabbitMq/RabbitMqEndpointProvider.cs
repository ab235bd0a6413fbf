using Rx.Mediation.Nodes;

namespace Rx.Mediation.Server.Endpoints.RabbitMq;

/// <summary>
/// Type <c>rabbitmq</c>: an AMQP 0-9-1 broker connection. See docs/endpoints/rabbitmq.md for the settings, e.g.
/// <c>--Mediation:Endpoints:orders:Type=rabbitmq --Mediation:Endpoints:orders:Uri=amqp://guest:guest@127.0.0.1:5672/
/// --Mediation:Endpoints:orders:Queues=inbound</c>. Nothing connects here: StartAsync does.
/// </summary>
public sealed class RabbitMqEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["rabbitmq"];

    public IEndpoint Create(EndpointContext context)
    {
        var options = RabbitMqOptions.From(context, context.Bind<RabbitMqSettings>());
        return new RabbitMqEndpoint(context.Name, options, context.LoggerFactory);
    }
}

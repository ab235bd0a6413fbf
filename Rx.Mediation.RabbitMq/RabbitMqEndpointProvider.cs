using Rx.Mediation.Connectors;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// Type <c>rabbitmq</c>: an AMQP 0-9-1 broker connection. See docs/endpoints/rabbitmq.md for the settings, e.g.
/// <c>--Mediation:Endpoints:orders:Type=rabbitmq --Mediation:Endpoints:orders:Uri=amqp://guest:guest@127.0.0.1:5672/
/// --Mediation:Endpoints:orders:Queues=inbound</c>. Nothing connects here: StartAsync does.
/// </summary>
public sealed class RabbitMqEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["rabbitmq"];

    public IEndpoint Create(EndpointContext context) => Create(context, context.Bind<RabbitMqSettings>());

    internal static RabbitMqEndpoint Create(EndpointContext context, RabbitMqSettings settings) =>
        new(context.Name, RabbitMqOptions.From(context, settings), context.LoggerFactory);
}

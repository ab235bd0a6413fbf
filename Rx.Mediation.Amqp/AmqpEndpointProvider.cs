using Rx.Mediation.Connectors;

namespace Rx.Mediation.Amqp;

/// <summary>
/// Types <c>amqp10</c> and <c>jms</c>: an AMQP 1.0 connection (AMQPNetLite) sending to and consuming from
/// JMS-style queues and topics on ActiveMQ Artemis, IBM MQ, Azure Service Bus, Solace or RabbitMQ's AMQP 1.0 plugin.
/// </summary>
public sealed class AmqpEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["amqp10", "jms"];

    public Rx.Mediation.Nodes.IEndpoint Create(EndpointContext context) => Create(context, context.Bind<AmqpSettings>());

    internal static AmqpEndpoint Create(EndpointContext context, AmqpSettings settings)
    {
        foreach (var (setting, problem) in settings.Validate())
            throw new EndpointConfigurationException(context.Name, $"{context.Key}:{setting}", problem);
        return new AmqpEndpoint(context.Name, settings, context.LoggerFactory);
    }
}

using Rx.Mediation.Connectors;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Type <c>kafka</c>: an endpoint on a Kafka cluster through Confluent.Kafka over the system's librdkafka.
/// Creating it only validates settings; librdkafka is loaded and brokers are contacted when it starts.
/// </summary>
public sealed class KafkaEndpointProvider : IEndpointProvider
{
    public IReadOnlyCollection<string> Types { get; } = ["kafka"];

    public Rx.Mediation.Nodes.IEndpoint Create(EndpointContext context) => Create(context, context.Bind<KafkaSettings>());

    internal static KafkaEndpoint Create(EndpointContext context, KafkaSettings settings) =>
        new(KafkaEndpointOptions.From(context.Name, context.Key, settings), context.LoggerFactory);
}

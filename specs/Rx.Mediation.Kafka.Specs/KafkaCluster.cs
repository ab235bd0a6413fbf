using Rx.Mediation.Testing;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>One mock Kafka cluster for the whole run (xunit collection fixture); each spec uses its own topics.</summary>
public sealed class KafkaCluster : IDisposable
{
    public KafkaCluster() => Mock = KafkaMockCluster.Start(brokers: 1);

    public KafkaMockCluster Mock { get; }

    public string BootstrapServers => Mock.BootstrapServers;

    public void Dispose() => Mock.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaCluster>
{
    public const string Name = "kafka";
}

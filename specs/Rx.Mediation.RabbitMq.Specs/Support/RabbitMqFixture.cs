using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.RabbitMq.Specs.Support;

/// <summary>
/// One private RabbitMQ node for the specs of the collection (they run one after another: one kills it), with a TLS
/// listener beside the plain one on certificates made for the run.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqBroker? _broker;

    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("the broker did not start");

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    public async Task InitializeAsync() => _broker = await RabbitMqBroker.StartAsync(amqp10Plugin: true, tls: Certificates);

    public async Task DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
        Certificates.Dispose();
    }

    /// <summary>Settings for an endpoint named <paramref name="name"/> on this broker.</summary>
    public string[] Endpoint(string name, params string[] settings) =>
        [$"--Mediation:Endpoints:{name}:Type=rabbitmq", $"--Mediation:Endpoints:{name}:Uri={Broker.Uri}",
            $"--Mediation:Endpoints:{name}:NetworkRecoveryInterval=00:00:00.500",
            .. settings.Select(s => $"--Mediation:Endpoints:{name}:{s}")];

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqFixture>
{
    public const string Name = "RabbitMQ broker";
}

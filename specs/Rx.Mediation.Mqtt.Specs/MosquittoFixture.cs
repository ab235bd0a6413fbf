using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>One anonymous Mosquitto for the specs that do not stop it; restart specs start their own.</summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    public MosquittoBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class MosquittoCollection : ICollectionFixture<MosquittoFixture>
{
    public const string Name = "mosquitto";
}

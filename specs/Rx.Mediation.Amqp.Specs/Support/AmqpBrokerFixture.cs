using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.Amqp.Specs.Support;

/// <summary>
/// One private RabbitMQ node with the AMQP 1.0 plugin for the whole run, plus a client that checks the server from
/// outside (<see cref="Amqp10Client"/>: AMQPNetLite used directly, not through the endpoint) and amqp-tools to declare queues.
/// The node also has a TLS listener (<see cref="RabbitMqBroker.TlsPort"/>) with certificates made for this run
/// (<see cref="Certificates"/>), which requires a client certificate.
/// If the broker cannot start, every test of the collection fails with <see cref="BrokerUnavailableException"/>.
/// </summary>
public sealed class AmqpBrokerFixture : IAsyncLifetime
{
    private RabbitMqBroker? _broker;
    private TestCertificates? _certificates;

    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("the broker is not started");

    public TestCertificates Certificates => _certificates ?? throw new InvalidOperationException("the certificates are not made");

    /// <summary>host:port of the AMQP 1.0 listener (the plugin shares the AMQP 0-9-1 port).</summary>
    public string Target => $"127.0.0.1:{Broker.AmqpPort}";

    public async Task InitializeAsync()
    {
        _certificates = TestCertificates.Create();
        _broker = await RabbitMqBroker.StartAsync(amqp10Plugin: true, tls: _certificates);
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
        if (_certificates is not null) await _certificates.DisposeAsync();
    }

    /// <summary>Settings for an amqp10 endpoint named <paramref name="name"/> on this broker.</summary>
    public string[] Endpoint(string name, params string[] settings) =>
    [
        $"--Mediation:Endpoints:{name}:Type=amqp10",
        $"--Mediation:Endpoints:{name}:Host=127.0.0.1",
        $"--Mediation:Endpoints:{name}:Port={Broker.AmqpPort}",
        $"--Mediation:Endpoints:{name}:ReconnectDelay=00:00:00.200",
        $"--Mediation:Endpoints:{name}:MaxReconnectDelay=00:00:01",
        .. settings.Select(s => $"--Mediation:Endpoints:{name}:{s}"),
    ];

    /// <summary>
    /// Settings for an amqp10 endpoint on the TLS listener, trusting the run's CA and presenting its client
    /// certificate; <paramref name="settings"/> come after these, so they can replace any of them.
    /// </summary>
    public string[] TlsEndpoint(string name, params string[] settings) => Endpoint(name,
    [
        "Tls:Enabled=true", $"Port={Broker.TlsPort}", $"Tls:CaFile={Certificates.CaFile}",
        $"Tls:CertFile={Certificates.ClientCertFile}", $"Tls:KeyFile={Certificates.ClientKeyFile}",
        .. settings,
    ]);

    /// <summary>A durable classic queue, addressed as <c>/amq/queue/NAME</c> over AMQP 1.0.</summary>
    public async Task DeclareQueueAsync(string name)
    {
        var (code, output) = await ExternalProcess.RunAsync("amqp-declare-queue", ["-u", Broker.CliUri, "-q", name, "-d"], TimeSpan.FromSeconds(60));
        code.ShouldBe(0, output);
    }

    /// <summary>Ready and unacknowledged message counts of a queue, from rabbitmqctl.</summary>
    public async Task<(int Ready, int Unacknowledged)> QueueDepthAsync(string name)
    {
        var (code, output) = await Broker.CtlAsync("list_queues", "-q", "--no-table-headers", "name", "messages_ready", "messages_unacknowledged");
        code.ShouldBe(0, output);
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split('\t', StringSplitOptions.TrimEntries);
            if (parts.Length == 3 && parts[0] == name) return (int.Parse(parts[1]), int.Parse(parts[2]));
        }
        throw new ShouldAssertException($"queue {name} not listed:\n{output}");
    }

    /// <summary>Sends <paramref name="count"/> messages with the outside client, each accepted by the broker.</summary>
    public Task SendAsync(string address, int count, string bodyPrefix, Amqp10Fields? fields = null) =>
        Amqp10Client.SendAsync(Broker.AmqpPort, address, count, bodyPrefix, fields);

    /// <summary>Receives (and accepts) up to <paramref name="count"/> messages with the outside client.</summary>
    public Task<List<Amqp10Message>> ReceiveAsync(string address, int count, TimeSpan idle) =>
        Amqp10Client.ReceiveAsync(Broker.AmqpPort, address, count, idle);
}

[CollectionDefinition(Name)]
public sealed class AmqpBrokerCollection : ICollectionFixture<AmqpBrokerFixture>
{
    public const string Name = "rabbitmq-amqp10";
}

using Rx.Mediation.Nodes;
using Rx.Mediation.RabbitMq.Specs.Support;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs;

/// <summary>AMQP 0-9-1 over TLS (<c>amqps</c>) to the private node's TLS listener, on a certificate authority made for the run.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class TlsSpecs(RabbitMqFixture rabbit)
{
    [Fact]
    public async Task An_event_goes_to_a_queue_and_back_over_amqps_with_the_configured_ca_and_client_certificate()
    {
        var queue = RabbitMqFixture.UniqueName("secure");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        var sink = new RecordingNode("sink");
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint(rabbit.Certificates.CaFile, $"Queues={queue}", $"Tls:CertFile={rabbit.Certificates.ClientCertFile}", $"Tls:KeyFile={rabbit.Certificates.ClientKeyFile}"),
            "--Mediation:Routes:out:Sources=http", "--Mediation:Routes:out:Targets=rabbit",
            "--Mediation:Routes:in:Sources=rabbit", "--Mediation:Routes:in:Targets=sink",
        ], b => b.Nodes.Add(sink));
        var endpoint = Find(server);
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, $"the endpoint connected over TLS ({endpoint.HealthDetail})");

        await server.PostAcceptedAsync(queue, "over tls");

        await Eventually.TrueAsync(() => sink.Received.Any(e => e.Text == "over tls"), "the event went to the queue and came back through the TLS listener");
        // The confirm may reach the endpoint after the message came back through the queue.
        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged == 1, $"the broker confirmed the publish ({endpoint.Counters})");
        var (code, connections) = await rabbit.Broker.CtlAsync("list_connections", "client_properties", "ssl", "peer_cert_subject");
        code.ShouldBe(0, connections);
        var ours = connections.Split('\n').Where(l => l.Contains("rx-mediation:rabbit", StringComparison.Ordinal)).ToList();
        ours.ShouldNotBeEmpty(connections);
        ours.ShouldAllBe(l => l.Contains("\ttrue\t") && l.Contains("CN=rx-mediation-client"), "the broker saw the endpoint's connections over TLS with its client certificate");
    }

    [Fact]
    public async Task A_broker_certificate_from_another_authority_is_refused_with_a_reason_naming_the_endpoint_and_the_ca_setting()
    {
        await using var server = await RunningServer.StartAsync([.. Endpoint(rabbit.Certificates.OtherCaFile)]);
        var endpoint = Find(server);

        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, "the endpoint gave up on the untrusted broker");

        endpoint.HealthDetail.ShouldNotBeNull();
        endpoint.HealthDetail.ShouldContain("TLS to endpoint 'rabbit' refused");
        endpoint.HealthDetail.ShouldContain("Mediation:Endpoints:rabbit:Tls:CaFile");
        endpoint.HealthDetail.ShouldContain("amqps://");
    }

    private string[] Endpoint(string caFile, params string[] settings) =>
    [
        "--Mediation:Endpoints:rabbit:Type=rabbitmq", "--Mediation:Endpoints:rabbit:Host=localhost", $"--Mediation:Endpoints:rabbit:Port={rabbit.Broker.TlsPort}",
        "--Mediation:Endpoints:rabbit:NetworkRecoveryInterval=00:00:00.500", $"--Mediation:Endpoints:rabbit:Tls:CaFile={caFile}",
        .. settings.Select(s => $"--Mediation:Endpoints:rabbit:{s}"),
    ];

    private static RabbitMqEndpoint Find(RunningServer server) => (RabbitMqEndpoint)server.Engine.Find("rabbit")!;
}

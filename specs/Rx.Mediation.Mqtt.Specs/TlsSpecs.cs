using Rx.Mediation.Nodes;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>
/// MQTT 5 over TLS to a real Mosquitto whose TLS listener uses a certificate authority made for the spec, and asks
/// for a client certificate signed by it.
/// </summary>
public sealed class TlsSpecs : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task An_event_goes_to_the_broker_and_back_over_tls_with_the_configured_ca_and_client_certificate()
    {
        await using var broker = await MosquittoBroker.StartAsync(tls: _certificates, requireClientCertificate: true);
        var sink = new RecordingNode("sink");
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint(broker, _certificates.CaFile), "--Mediation:Endpoints:broker:Tls:CertFile=" + _certificates.ClientCertFile,
            "--Mediation:Endpoints:broker:Tls:KeyFile=" + _certificates.ClientKeyFile, "--Mediation:Endpoints:broker:Subscriptions=secure/#",
            "--Mediation:Routes:out:Sources=http[secure/#]", "--Mediation:Routes:out:Targets=broker",
            "--Mediation:Routes:in:Sources=broker", "--Mediation:Routes:in:Targets=sink",
        ], b => b.Nodes.Add(sink));
        var endpoint = ServerSpecs.Find(server, "broker");
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, $"the endpoint connected over TLS ({endpoint.HealthDetail})");

        // Posted until one comes back: the subscription may still be on its way when the endpoint reports healthy.
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (!sink.Received.Any(e => e.Topic == "secure/reading" && e.Text == "21.5"))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the event went out and came back through the TLS listener");
            using var response = await server.PostAsync("secure/reading", "21.5");
            ((int)response.StatusCode).ShouldBe(202);
            await Eventually.TrueAsync(() => sink.Count > 0 || endpoint.Counters.Acknowledged > 0, "the broker acknowledged the publish over TLS");
            await Task.Delay(100);
        }
        endpoint.Counters.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task A_broker_certificate_from_another_authority_is_refused_with_a_reason_naming_the_endpoint_and_the_ca_setting()
    {
        await using var broker = await MosquittoBroker.StartAsync(tls: _certificates);
        await using var server = await RunningServer.StartAsync([.. Endpoint(broker, _certificates.OtherCaFile)]);
        var endpoint = ServerSpecs.Find(server, "broker");

        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, "the endpoint gave up on the untrusted broker");

        endpoint.HealthDetail.ShouldNotBeNull();
        endpoint.HealthDetail.ShouldContain("TLS to endpoint 'broker' refused");
        endpoint.HealthDetail.ShouldContain("Mediation:Endpoints:broker:Tls:CaFile");
        endpoint.HealthDetail.ShouldContain(_certificates.OtherCaFile);
    }

    [Fact]
    public async Task A_broker_certificate_that_does_not_name_the_expected_host_is_refused_unless_the_hostname_check_is_off()
    {
        await using var broker = await MosquittoBroker.StartAsync(tls: _certificates);
        string[] elsewhere = [.. Endpoint(broker, _certificates.CaFile), "--Mediation:Endpoints:broker:Tls:ServerName=broker.example"];
        await using (var server = await RunningServer.StartAsync(elsewhere))
        {
            var endpoint = ServerSpecs.Find(server, "broker");
            await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Unhealthy, "the endpoint refused the certificate");
            endpoint.HealthDetail.ShouldNotBeNull();
            endpoint.HealthDetail.ShouldContain("does not name 'broker.example'");
            endpoint.HealthDetail.ShouldContain("Tls:CheckHostname");
        }

        await using (var server = await RunningServer.StartAsync([.. elsewhere, "--Mediation:Endpoints:broker:Tls:CheckHostname=false"]))
        {
            var endpoint = ServerSpecs.Find(server, "broker");
            await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, $"with the check off, the CA alone decides ({endpoint.HealthDetail})");
        }
    }

    [Fact]
    public async Task A_solace_endpoint_over_mqtt_takes_the_same_tls_settings()
    {
        await using var broker = await MosquittoBroker.StartAsync(tls: _certificates);
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:vpn:Type=solace", "--Mediation:Endpoints:vpn:MessageVpn=default",
            "--Mediation:Endpoints:vpn:Host=localhost", $"--Mediation:Endpoints:vpn:Port={broker.TlsPort}", $"--Mediation:Endpoints:vpn:Tls:CaFile={_certificates.CaFile}",
            "--Mediation:Routes:out:Sources=http[sol/#]", "--Mediation:Routes:out:Targets=vpn"]);
        var endpoint = ServerSpecs.Find(server, "vpn");

        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, $"the Solace endpoint connected over TLS ({endpoint.HealthDetail})");
        await server.PostAcceptedAsync("sol/x", "over tls");
        await Eventually.TrueAsync(() => endpoint.Counters.Acknowledged == 1, $"the broker acknowledged the publish ({endpoint.Counters})");
    }

    [Fact]
    public async Task A_ca_file_that_does_not_exist_makes_the_endpoint_unavailable_naming_the_setting()
    {
        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Endpoints:broker:Type=mqtt5", "--Mediation:Endpoints:broker:Host=127.0.0.1", "--Mediation:Endpoints:broker:Tls:CaFile=/nonexistent/ca.pem"]);

        var endpoint = server.Engine.Nodes.OfType<UnavailableEndpoint>().Single(n => n.Name == "broker");
        endpoint.Reason.ShouldContain("Mediation:Endpoints:broker:Tls:CaFile");
        endpoint.Reason.ShouldContain("'/nonexistent/ca.pem', which does not exist");
    }

    private static string[] Endpoint(MosquittoBroker broker, string caFile) =>
    [
        "--Mediation:Endpoints:broker:Type=mqtt5", "--Mediation:Endpoints:broker:Host=127.0.0.1",
        $"--Mediation:Endpoints:broker:Port={broker.TlsPort}", $"--Mediation:Endpoints:broker:Tls:CaFile={caFile}",
    ];
}

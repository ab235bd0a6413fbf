using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Tls;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Kafka;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>
/// Kafka over TLS. No Kafka broker with a TLS listener runs here (the mock cluster speaks plain text only), so the
/// handshake is checked against a TLS stand-in (<see cref="TlsStandIn"/>) on a certificate authority made for the
/// spec: librdkafka, configured from the endpoint's Tls section, completes it with the right CA and its client
/// certificate, and refuses it with the wrong CA, which the endpoint reports naming the setting.
/// </summary>
public sealed class KafkaTlsSpecs : IDisposable
{
    private const string Key = "Mediation:Endpoints:k";
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void The_tls_section_becomes_librdkafkas_ssl_settings_for_producer_and_consumer()
    {
        var options = KafkaEndpointOptions.From("k", Key, new KafkaSettings
        {
            BootstrapServers = "broker:9093",
            Tls = new TlsSettings { CaFile = _certificates.CaFile, CertFile = _certificates.ClientCertFile, KeyFile = _certificates.ClientKeyFile },
        });

        foreach (var properties in new[] { options.ProducerProperties, options.ConsumerProperties })
        {
            properties["security.protocol"].ShouldBe("ssl");
            properties["ssl.ca.location"].ShouldBe(_certificates.CaFile);
            properties["ssl.certificate.location"].ShouldBe(_certificates.ClientCertFile);
            properties["ssl.key.location"].ShouldBe(_certificates.ClientKeyFile);
            properties["ssl.endpoint.identification.algorithm"].ShouldBe("https");
        }
        KafkaEndpointOptions.From("k", Key, new KafkaSettings { BootstrapServers = "b:9093", SecurityProtocol = "sasl_ssl", SaslUsername = "u", Password = "p",
                Tls = new TlsSettings { CheckHostname = false } })
            .ProducerProperties.ShouldContain(p => p.Key == "ssl.endpoint.identification.algorithm" && p.Value == "none");
    }

    [Fact]
    public void Contradictory_or_unsupported_tls_settings_are_refused_naming_the_setting()
    {
        Should.Throw<EndpointConfigurationException>(() => KafkaEndpointOptions.From("k", Key,
                new KafkaSettings { BootstrapServers = "b:9093", SecurityProtocol = "plaintext", Tls = new TlsSettings { CaFile = _certificates.CaFile } }))
            .Message.ShouldBe($"endpoint 'k': {Key}:SecurityProtocol is 'plaintext', but {Key}:Tls turns TLS on: use ssl or leave it out");
        Should.Throw<EndpointConfigurationException>(() => KafkaEndpointOptions.From("k", Key,
                new KafkaSettings { BootstrapServers = "b:9093", SecurityProtocol = "ssl", Tls = new TlsSettings { Enabled = false } }))
            .Message.ShouldBe($"endpoint 'k': {Key}:Tls:Enabled is false, but the endpoint's address asks for TLS");
        Should.Throw<EndpointConfigurationException>(() => KafkaEndpointOptions.From("k", Key,
                new KafkaSettings { BootstrapServers = "b:9093", Tls = new TlsSettings { Enabled = true, ServerName = "other" } }))
            .Message.ShouldStartWith($"endpoint 'k': {Key}:Tls:ServerName is not supported for Kafka");
        Should.Throw<EndpointConfigurationException>(() => KafkaEndpointOptions.From("k", Key,
                new KafkaSettings { BootstrapServers = "b:9093", Tls = new TlsSettings { CertFile = _certificates.ClientCertFile } }))
            .Message.ShouldStartWith($"endpoint 'k': {Key}:Tls:KeyFile is required with the other");
    }

    [Fact]
    public async Task With_the_right_ca_librdkafka_completes_the_handshake_and_offers_the_client_certificate()
    {
        await using var standIn = TlsStandIn.Start(_certificates);
        await using var server = await RunningServer.StartAsync(Endpoint("k", $"localhost:{standIn.Port}", "Topics=t",
            $"Tls:CaFile={_certificates.CaFile}", $"Tls:CertFile={_certificates.ClientCertFile}", $"Tls:KeyFile={_certificates.ClientKeyFile}"));

        await Eventually.TrueAsync(() => standIn.Handshakes.Any(h => h.Completed), $"a handshake completed ({string.Join("; ", standIn.Handshakes)}; {server.Kafka("k").HealthDetail})", TimeSpan.FromSeconds(30));

        var handshake = standIn.Handshakes.First(h => h.Completed);
        handshake.ClientCertificate.ShouldBe("CN=rx-mediation-client");
        handshake.ServerName.ShouldBe("localhost");
    }

    [Fact]
    public async Task With_another_authoritys_ca_the_endpoint_is_unhealthy_with_a_reason_naming_the_endpoint_and_the_ca_setting()
    {
        await using var standIn = TlsStandIn.Start(_certificates);
        await using var server = await RunningServer.StartAsync(Endpoint("k", $"localhost:{standIn.Port}", "Topics=t", $"Tls:CaFile={_certificates.OtherCaFile}"));
        var kafka = server.Kafka("k");

        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Unhealthy && kafka.HealthDetail?.Contains("TLS") == true,
            $"the endpoint reported the refused certificate ({kafka.HealthDetail})", TimeSpan.FromSeconds(30));

        kafka.HealthDetail.ShouldNotBeNull();
        kafka.HealthDetail.ShouldContain("TLS to endpoint 'k' refused");
        kafka.HealthDetail.ShouldContain($"{Key}:Tls:CaFile ('{_certificates.OtherCaFile}')");
        await Eventually.TrueAsync(() => standIn.Handshakes.Count > 0, "librdkafka reached the TLS listener");
        standIn.Handshakes.ShouldNotContain(h => h.Completed, "librdkafka refused the certificate");
    }
}

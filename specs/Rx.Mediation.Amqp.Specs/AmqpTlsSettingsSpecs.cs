using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Hosting.Endpoints;
using Rx.Mediation.Amqp;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>TLS settings that cannot work are configuration errors naming the endpoint, the key and the file.</summary>
public sealed class AmqpTlsSettingsSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rxm-amqp-tls-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Tls_with_a_ca_file_and_a_client_certificate_and_its_key_is_valid()
    {
        var (certificate, key) = WriteCertificate("client");

        var (endpoints, errors) = AmqpSettingsSpecs.Create(("Type", "amqp10"),
            ("Tls:CaFile", certificate), ("Tls:CertFile", certificate), ("Tls:KeyFile", key), ("Tls:CheckHostname", "false"));

        errors.ShouldBeEmpty();
        var settings = endpoints.Single().ShouldBeOfType<AmqpEndpoint>().Settings;
        settings.Tls.IsOn.ShouldBeTrue();
        settings.EffectivePort.ShouldBe(5671, "the amqps port when none is given");
        settings.Tls.CheckHostname.ShouldBeFalse();
        settings.Tls.CaFile.ShouldBe(certificate);
    }

    [Fact]
    public void The_hostname_check_is_on_by_default()
    {
        new AmqpSettings().Tls.CheckHostname.ShouldBeTrue();
        new AmqpSettings().EffectivePort.ShouldBe(5672);
    }

    [Fact]
    public void A_ca_file_turns_tls_on_rather_than_leaving_the_connection_silently_plain_and_enabled_false_turns_it_off()
    {
        var (certificate, _) = WriteCertificate("ca");

        new AmqpSettings { Tls = { CaFile = certificate } }.Tls.IsOn.ShouldBeTrue();
        new AmqpSettings { Tls = { CaFile = certificate, Enabled = false } }.Tls.IsOn.ShouldBeFalse();
    }

    [Fact]
    public void An_expected_server_name_is_refused_because_the_client_checks_the_host_it_connects_to()
    {
        ShouldFail([("Tls:Enabled", "true"), ("Tls:ServerName", "broker.example")], "Tls:ServerName", "is not supported for AMQP 1.0");
    }

    [Fact]
    public void A_ca_file_that_does_not_exist_is_named()
    {
        ShouldFail([("Tls:CaFile", "/nonexistent/ca.pem")], "Tls:CaFile", "names '/nonexistent/ca.pem', which does not exist");
    }

    [Fact]
    public void A_ca_file_without_a_pem_certificate_is_named()
    {
        var notPem = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(notPem, "not a certificate");

        ShouldFail([("Tls:CaFile", notPem)], "Tls:CaFile", $"'{notPem}' holds no PEM certificate");
    }

    [Fact]
    public void A_client_certificate_without_its_key_is_named()
    {
        var (certificate, _) = WriteCertificate("client");

        ShouldFail([("Tls:CertFile", certificate)], "Tls:KeyFile", "is required with the other");
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_own_is_named()
    {
        var (certificate, _) = WriteCertificate("client");
        var (_, otherKey) = WriteCertificate("other");

        ShouldFail([("Tls:CertFile", certificate), ("Tls:KeyFile", otherKey)], "Tls:CertFile", $"'{certificate}' with key '{otherKey}' is not a PEM certificate and its private key");
    }

    private static void ShouldFail((string Key, string Value)[] settings, string key, string problem)
    {
        var (endpoints, errors) = AmqpSettingsSpecs.Create([("Type", "amqp10"), .. settings]);

        var error = errors.ShouldHaveSingleItem();
        error.ShouldStartWith($"endpoint 'broker': Mediation:Endpoints:broker:{key} ");
        error.ShouldContain(problem);
        endpoints.Single().ShouldBeOfType<UnavailableEndpoint>();
    }

    private (string Certificate, string Key) WriteCertificate(string name) => SelfSignedPem.Write(_directory, name);
}

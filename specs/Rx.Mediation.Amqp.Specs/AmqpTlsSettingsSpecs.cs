using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Server.Endpoints;
using Rx.Mediation.Server.Endpoints.Amqp;

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

        var (endpoints, errors) = AmqpSettingsSpecs.Create(("Type", "amqp10"), ("Tls", "true"), ("Port", "5671"),
            ("TlsCaFile", certificate), ("TlsCertFile", certificate), ("TlsKeyFile", key), ("TlsCheckHostname", "false"));

        errors.ShouldBeEmpty();
        var settings = endpoints.Single().ShouldBeOfType<AmqpEndpoint>().Settings;
        settings.Tls.ShouldBeTrue();
        settings.TlsCheckHostname.ShouldBeFalse();
        settings.TlsCaFile.ShouldBe(certificate);
    }

    [Fact]
    public void The_hostname_check_is_on_by_default()
    {
        new AmqpSettings().TlsCheckHostname.ShouldBeTrue();
    }

    [Fact]
    public void A_ca_file_without_tls_is_an_error_rather_than_a_silently_plain_connection()
    {
        var (certificate, _) = WriteCertificate("ca");

        ShouldFail([("TlsCaFile", certificate)], "TlsCaFile", "applies only with Tls=true");
    }

    [Fact]
    public void A_ca_file_that_does_not_exist_is_named()
    {
        ShouldFail([("Tls", "true"), ("TlsCaFile", "/nonexistent/ca.pem")], "TlsCaFile", "names '/nonexistent/ca.pem', which does not exist");
    }

    [Fact]
    public void A_ca_file_without_a_pem_certificate_is_named()
    {
        var notPem = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(notPem, "not a certificate");

        ShouldFail([("Tls", "true"), ("TlsCaFile", notPem)], "TlsCaFile", $"'{notPem}' holds no PEM certificate");
    }

    [Fact]
    public void A_client_certificate_without_its_key_is_named()
    {
        var (certificate, _) = WriteCertificate("client");

        ShouldFail([("Tls", "true"), ("TlsCertFile", certificate)], "TlsKeyFile", "is required with TlsCertFile");
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_own_is_named()
    {
        var (certificate, _) = WriteCertificate("client");
        var (_, otherKey) = WriteCertificate("other");

        ShouldFail([("Tls", "true"), ("TlsCertFile", certificate), ("TlsKeyFile", otherKey)], "TlsKeyFile", $"'{otherKey}' is not the unencrypted PEM private key of the certificate in TlsCertFile");
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

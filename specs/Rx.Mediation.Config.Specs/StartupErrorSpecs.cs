using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rx.Mediation.Server.Cli;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Config.Specs;

public sealed class StartupErrorSpecs
{
    [Fact]
    public async Task A_port_in_use_stops_the_start_with_one_line_naming_the_setting_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, error) = await ServeAsync($"--Mediation:Url=http://127.0.0.1:{port}");

        code.ShouldBe(ExitCodes.StartupFailed);
        var line = OneLine(error);
        line.ShouldStartWith("Mediation:Url");
        line.ShouldContain($"127.0.0.1:{port}");
        line.ShouldContain("already in use");
    }

    [Theory]
    [InlineData("--Mediation:Url=https://127.0.0.1:0", "Mediation:Url is https://127.0.0.1:0, which needs a certificate: set Mediation:Tls:CertificateFile and Mediation:Tls:KeyFile")]
    [InlineData("--Mediation:Url=ftp://127.0.0.1:0", "Mediation:Url must be an absolute http:// or https:// URL, got 'ftp://127.0.0.1:0'")]
    [InlineData("--Mediation:Url=http://0.0.0.0:0", "Mediation:Url listens on 0.0.0.0, beyond loopback, and no authentication is configured")]
    [InlineData("--Mediation:DrainTimeout=soon", "Mediation:DrainTimeout must be a duration with a unit, such as 200ms, 15s or 2m (or hh:mm:ss), got 'soon'")]
    [InlineData("--Mediation:Http:MaxBodyBytes=lots", "'lots' at 'Mediation:Http:MaxBodyBytes'")]
    [InlineData("--Mediation:Http:MaxTopicBytes=0", "Mediation:Http:MaxTopicBytes must be at least 1")]
    [InlineData("--Mediation:Routes:ingress:Bridge:Overflow=sometimes", "Mediation:Routes:ingress:Bridge:Overflow: unknown strategy 'sometimes'")]
    public async Task A_bad_setting_stops_the_start_with_one_line_naming_it_and_exit_2(string setting, string expected)
    {
        var (code, error) = await ServeAsync(setting);

        code.ShouldBe(ExitCodes.StartupFailed);
        OneLine(error).ShouldContain(expected);
    }

    [Fact]
    public async Task A_certificate_file_that_is_not_there_is_named_in_the_one_line()
    {
        var (code, error) = await ServeAsync("--Mediation:Url=https://127.0.0.1:0", "--Kestrel:Certificates:Default:Path=/nonexistent/cert.pem");
        code.ShouldBe(ExitCodes.StartupFailed);
        OneLine(error).ShouldBe("Kestrel:Certificates:Default:Path: the file '/nonexistent/cert.pem' does not exist");
    }

    [Fact]
    public async Task An_https_url_with_a_pem_certificate_serves_the_entrypoints_over_tls()
    {
        var dir = Directory.CreateTempSubdirectory("rx-tls-").FullName;
        using var certificate = SelfSigned();
        var certPath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Url=https://127.0.0.1:0", $"--Kestrel:Certificates:Default:Path={certPath}", $"--Kestrel:Certificates:Default:KeyPath={keyPath}"]);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
        using var https = new HttpClient(handler) { BaseAddress = server.BaseAddress };

        server.BaseAddress.Scheme.ShouldBe("https");
        using var response = await https.PostAsync("/events?topic=events", new StringContent("over tls"));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Runs the serve command as Program does; a start that does not fail would run on, which the timeout turns into a failure.</summary>
    private static async Task<(int Code, string Error)> ServeAsync(params string[] args)
    {
        var error = new StringWriter();
        var code = await ServeCommand.RunAsync(["--Logging:LogLevel:Default=Warning", .. args], error).WaitAsync(Eventually.DefaultTimeout);
        return (code, error.ToString());
    }

    private static string OneLine(string error)
    {
        var lines = error.TrimEnd().Split('\n');
        lines.Length.ShouldBe(1, error);
        lines[0].ShouldNotContain("Exception", customMessage: "no exception, no stack trace");
        return lines[0].TrimEnd('\r');
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Server.Cli;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// TLS on the web listener, with certificates made at test time (a CA, a server certificate for localhost and
/// 127.0.0.1, client certificates) and real clients over real sockets: curl, HttpClient and ClientWebSocket trusting
/// the test CA and nothing else. HTTP and HTTPS listen side by side; client certificates, when asked for, are checked
/// at the handshake and name the principal whose rights apply.
/// </summary>
public sealed class TlsListenerSpecs
{
    private const string ApiKey = "tls-spec-key-5e1f0c9a7b3d";
    private static readonly TimeSpan CurlTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An https:// listener beside the http:// one the running server always has, presenting the test server certificate.</summary>
    private static string[] SideBySide(TestCertificates certificates, params string[] more) =>
    [
        "--Mediation:HttpsUrl=https://127.0.0.1:0",
        $"--Mediation:Tls:CertificateFile={certificates.ServerCertFile}",
        $"--Mediation:Tls:KeyFile={certificates.ServerKeyFile}",
        .. more,
    ];

    /// <summary>Client certificates asked for at the handshake; the default client's CN is a device that publishes under its own name.</summary>
    private static string[] ClientCertificates(TestCertificates certificates, string mode, params string[] more) =>
        SideBySide(certificates,
        [
            $"--Mediation:Security:ClientCertificates:Mode={mode}",
            $"--Mediation:Security:ClientCertificates:CaFile={certificates.CaFile}",
            "--Mediation:Security:ClientCertificates:Roles:rx-mediation-client:0=devices",
            "--Mediation:Security:Rights:devices:Publish:0=devices/{name}/#",
            "--Mediation:Security:Rights:devices:Subscribe:0=devices/{name}/#",
            .. more,
        ]);

    private static Uri Https(RunningServer server) => new(server.App.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal)));

    private static Uri Http(RunningServer server) => new(server.App.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal)));

    /// <summary>Accepts the server's certificate only when it chains to <paramref name="caFile"/> and names the host asked for.</summary>
    private static RemoteCertificateValidationCallback Trusting(string caFile) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(caFile)));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };

    /// <summary>An HttpClient for the https:// listener that trusts the test CA, presenting a client certificate when given one.</summary>
    private static HttpClient HttpsClient(RunningServer server, TestCertificates certificates, (string Cert, string Key)? client = null)
    {
        var ssl = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Trusting(certificates.CaFile) };
        if (client is { } files) ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(files.Cert, files.Key)];
        return new HttpClient(new SocketsHttpHandler { SslOptions = ssl }) { BaseAddress = Https(server), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>curl POSTing one event; its exit code and the HTTP status it got (000 when there was no answer).</summary>
    private static async Task<(int ExitCode, string Status, string Output)> CurlPostAsync(Uri url, params string[] options)
    {
        var (code, output) = await ExternalProcess.RunAsync("curl",
            ["-sS", "-o", "/dev/null", "-w", "status=%{http_code}\n", "--max-time", "20", "-d", "over tls", .. options, url.ToString()], CurlTimeout);
        var status = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("status=", StringComparison.Ordinal))?["status=".Length..] ?? "";
        return (code, status, output);
    }

    private static async Task<List<(string Topic, JsonElement Headers)>> PolledAsync(HttpClient client, string filter)
    {
        var text = await client.GetStringAsync($"/poll?topic={Uri.EscapeDataString(filter)}&timeout=5");
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("topic").GetString()!, i.GetProperty("headers").Clone()))];
    }

    /// <summary>Runs the serve command as Program does; a start that does not fail would run on, which the timeout turns into a failure.</summary>
    private static async Task<(int Code, string Error)> ServeAsync(params string[] args)
    {
        var error = new StringWriter();
        var code = await ServeCommand.RunAsync(["--Logging:LogLevel:Default=Warning", "--Mediation:Url=http://127.0.0.1:0", .. args], error).WaitAsync(Eventually.DefaultTimeout);
        return (code, error.ToString());
    }

    [Fact]
    public async Task Curl_trusting_the_test_ca_posts_over_https_while_the_http_listener_still_answers()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates));

        var overTls = await CurlPostAsync(new Uri(Https(server), "/events?topic=t"), "--cacert", certificates.CaFile);
        var plain = await CurlPostAsync(new Uri(Http(server), "/events?topic=t"));

        overTls.ExitCode.ShouldBe(0, overTls.Output);
        overTls.Status.ShouldBe("202");
        plain.Status.ShouldBe("202", plain.Output);
        Https(server).Port.ShouldNotBe(Http(server).Port);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_ca_refuses_the_server_at_the_handshake()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates));
        using var untrusting = new HttpClient { BaseAddress = Https(server), Timeout = TimeSpan.FromSeconds(30) };

        var refused = await Should.ThrowAsync<HttpRequestException>(() => untrusting.GetAsync("/poll?topic=t&timeout=0"));
        var systemTrust = await CurlPostAsync(new Uri(Https(server), "/events?topic=t"));
        var otherCa = await CurlPostAsync(new Uri(Https(server), "/events?topic=t"), "--cacert", certificates.OtherCaFile);

        refused.InnerException.ShouldBeOfType<System.Security.Authentication.AuthenticationException>();
        systemTrust.ExitCode.ShouldBe(60, systemTrust.Output); // curl: the peer's certificate cannot be authenticated
        systemTrust.Status.ShouldBe("000");
        otherCa.ExitCode.ShouldBe(60, otherCa.Output);
    }

    [Fact]
    public async Task An_event_posted_over_http_reaches_a_websocket_over_wss_and_a_poll_over_https()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates));
        using var https = HttpsClient(server, certificates);
        await using var socket = await WebSocketClient.ConnectAsync(new Uri($"wss://{Https(server).Authority}/ws?topic=t"),
            configure: o => o.RemoteCertificateValidationCallback = Trusting(certificates.CaFile));
        (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await server.PostAcceptedAsync("t", "across listeners");

        (await socket.ReceiveTextAsync()).ShouldBe("across listeners");
        (await PolledAsync(https, "t")).Single().Topic.ShouldBe("t");
        server.BaseAddress.Scheme.ShouldBe("http", "the shared listener stays the http:// one");
    }

    [Fact]
    public async Task A_message_sent_over_wss_is_published_and_read_over_http()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates));
        await using var reader = await SseClient.ConnectAsync(new Uri(Http(server), "/sse?topic=t"));
        await using var socket = await WebSocketClient.ConnectAsync(new Uri($"wss://{Https(server).Authority}/ws?topic=t"),
            configure: o => o.RemoteCertificateValidationCallback = Trusting(certificates.CaFile));
        (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await socket.SendTextAsync("from wss");

        var message = await reader.NextAsync();
        message.Event.ShouldBe("t");
        message.Data.ShouldBe("from wss");
    }

    [Fact]
    public async Task An_encrypted_key_is_read_with_its_password()
    {
        await using var certificates = TestCertificates.Create();
        var key = certificates.EncryptedServerKey("s3cret-pass");
        await using var server = await RunningServer.StartAsync(SideBySide(certificates, $"--Mediation:Tls:KeyFile={key}", "--Mediation:Tls:KeyPassword=s3cret-pass"));

        var posted = await CurlPostAsync(new Uri(Https(server), "/events?topic=t"), "--cacert", certificates.CaFile);

        posted.Status.ShouldBe("202", posted.Output);
    }

    [Theory]
    [InlineData("--Mediation:Tls:KeyFile=/nonexistent/server.key", "Mediation:Tls:KeyFile '/nonexistent/server.key' does not exist")]
    [InlineData("--Mediation:Tls:CertificateFile=/nonexistent/server.pem", "Mediation:Tls:CertificateFile '/nonexistent/server.pem' does not exist")]
    [InlineData("--Mediation:Tls:CertificateFile={server.key}", "Mediation:Tls:CertificateFile '{server.key}' holds no readable PEM certificate")]
    [InlineData("--Mediation:Tls:KeyFile={server.pem}", "Mediation:Tls:KeyFile '{server.pem}' holds no PEM private key")]
    [InlineData("--Mediation:Tls:KeyFile={client.key}", "Mediation:Tls:KeyFile '{client.key}' holds a key that is not the key of the certificate '{server.pem}'")]
    [InlineData("--Mediation:Tls:KeyFile={encrypted.key}", "Mediation:Tls:KeyFile '{encrypted.key}' holds an encrypted key: set Mediation:Tls:KeyPassword")]
    [InlineData("--Mediation:Tls:KeyFile={encrypted.key}|--Mediation:Tls:KeyPassword=not-the-password", "Mediation:Tls:KeyFile '{encrypted.key}' holds a key that Mediation:Tls:KeyPassword does not decrypt")]
    [InlineData("--Mediation:Tls:CertificateFile=|--Mediation:Tls:KeyFile=|--Mediation:Tls:KeyPassword=", "Mediation:HttpsUrl is https://127.0.0.1:0, which needs a certificate: set Mediation:Tls:CertificateFile and Mediation:Tls:KeyFile")]
    [InlineData("--Mediation:HttpsUrl=http://127.0.0.1:0", "Mediation:HttpsUrl must be an absolute https:// URL, got 'http://127.0.0.1:0'")]
    [InlineData("--Mediation:Security:ClientCertificates:Mode=Require", "Mediation:Security:ClientCertificates:CaFile is required with client certificates on")]
    [InlineData("--Mediation:Security:ClientCertificates:Mode=Allow|--Mediation:Security:ClientCertificates:CaFile=/nonexistent/ca.pem", "Mediation:Security:ClientCertificates:CaFile '/nonexistent/ca.pem' does not exist")]
    [InlineData("--Mediation:Security:ClientCertificates:Mode=Allow|--Mediation:Security:ClientCertificates:CaFile={server.key}", "Mediation:Security:ClientCertificates:CaFile '{server.key}' holds no PEM certificate")]
    public async Task A_tls_setting_that_cannot_work_stops_the_start_with_one_line_naming_it_and_exit_2(string settings, string expected)
    {
        await using var certificates = TestCertificates.Create();
        var encrypted = certificates.EncryptedServerKey("the-password");
        string Fill(string text) => text.Replace("{client.key}", certificates.ClientKeyFile).Replace("{encrypted.key}", encrypted)
            .Replace("{server.pem}", certificates.ServerCertFile).Replace("{server.key}", certificates.ServerKeyFile);

        var (code, error) = await ServeAsync(SideBySide(certificates, [.. settings.Split('|').Select(Fill)]));

        code.ShouldBe(ExitCodes.StartupFailed);
        var line = OneLine(error);
        line.ShouldStartWith(Fill(expected));
        line.ShouldNotContain("not-the-password", customMessage: "a password is never shown");
    }

    [Fact]
    public async Task A_certificate_without_an_https_listener_stops_the_start_rather_than_serving_plain_http()
    {
        await using var certificates = TestCertificates.Create();

        var (code, error) = await ServeAsync($"--Mediation:Tls:CertificateFile={certificates.ServerCertFile}", $"--Mediation:Tls:KeyFile={certificates.ServerKeyFile}");

        code.ShouldBe(ExitCodes.StartupFailed);
        OneLine(error).ShouldStartWith("Mediation:Tls:CertificateFile is set, but no listener uses TLS: set Mediation:HttpsUrl");
    }

    [Fact]
    public async Task The_files_server_section_takes_tls_and_client_certificates_and_places_a_missing_key_file_at_its_line()
    {
        await using var certificates = TestCertificates.Create();
        var (config, errors) = ServerConfigReader.Parse($$"""
            server:
              https-url: https://127.0.0.1:8443
              tls: { certificate-file: '{{certificates.ServerCertFile}}', key-file: '{{certificates.ServerKeyFile}}' }
              security:
                client-certificates:
                  mode: require
                  ca-file: '{{certificates.CaFile}}'
                  roles: { sensor-7: [ devices ] }
            routes: []
            """, "c.yaml", ["memory"]);
        var (_, missing) = ServerConfigReader.Parse(
            $"server:\n  tls:\n    certificate-file: '{certificates.ServerCertFile}'\n    key-file: /nonexistent/server.key\nroutes: []\n", "c.yaml", ["memory"]);

        errors.ShouldBeEmpty();
        var options = config!.Server.Options;
        options.HttpsUrl.ShouldBe("https://127.0.0.1:8443");
        options.Tls.KeyFile.ShouldBe(certificates.ServerKeyFile);
        options.Security.ClientCertificates.Mode.ShouldBe(Rx.Mediation.Hosting.Security.Identity.ClientCertificateRequirement.Require);
        options.Security.ClientCertificates.Roles["sensor-7"].ShouldBe(["devices"]);
        missing.Single().Message.ShouldBe("server: tls: 'key-file' '/nonexistent/server.key' does not exist");
        missing.Single().Location.Line.ShouldBe(4);
    }

    [Fact]
    public async Task With_client_certificates_required_a_client_without_one_or_with_one_from_another_ca_fails_the_handshake()
    {
        await using var certificates = TestCertificates.Create();
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(ClientCertificates(certificates, "Require"), b => b.Web.Logging.AddProvider(log));
        var stranger = certificates.IssueClient("rx-mediation-client", byOtherAuthority: true);
        using var without = HttpsClient(server, certificates);
        using var foreign = HttpsClient(server, certificates, stranger);

        await Should.ThrowAsync<HttpRequestException>(() => without.PostAsync("/events?topic=devices/rx-mediation-client/t", new StringContent("x")));
        await Should.ThrowAsync<HttpRequestException>(() => foreign.PostAsync("/events?topic=devices/rx-mediation-client/t", new StringContent("x")));
        log.Lines(LogLevel.Warning).ShouldContain(l => l.StartsWith("Refused the client certificate CN=rx-mediation-client at the TLS handshake: ", StringComparison.Ordinal));
        var curl = await CurlPostAsync(new Uri(Https(server), "/events?topic=devices/rx-mediation-client/t"), "--cacert", certificates.CaFile);

        curl.ExitCode.ShouldNotBe(0, curl.Output);
        curl.Status.ShouldBe("000");
        // Nothing was published: after the refusals, a marker from the one client let in is all there is.
        using var trusted = HttpsClient(server, certificates, (certificates.ClientCertFile, certificates.ClientKeyFile));
        (await trusted.PostAsync("/events?topic=devices/rx-mediation-client/marker", new StringContent("m"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PolledAsync(trusted, "devices/rx-mediation-client/#")).Select(p => p.Topic).ShouldBe(["devices/rx-mediation-client/marker"]);
    }

    [Fact]
    public async Task A_client_certificate_from_the_ca_makes_its_cn_the_principal_whose_rights_apply()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(ClientCertificates(certificates, "Require"));
        using var device = HttpsClient(server, certificates, (certificates.ClientCertFile, certificates.ClientKeyFile));

        using var own = await device.PostAsync("/events?topic=devices/rx-mediation-client/temp", new StringContent("21.5"));
        using var other = await device.PostAsync("/events?topic=devices/sensor-2/temp", new StringContent("99"));
        var curl = await CurlPostAsync(new Uri(Https(server), "/events?topic=devices/rx-mediation-client/curl"),
            "--cacert", certificates.CaFile, "--cert", certificates.ClientCertFile, "--key", certificates.ClientKeyFile);

        own.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.Content.ReadAsStringAsync()).ShouldContain("'rx-mediation-client' may not publish 'devices/sensor-2/temp'");
        curl.Status.ShouldBe("202", curl.Output);
        var polled = await PolledAsync(device, "devices/rx-mediation-client/#");
        polled.Select(p => p.Topic).ShouldBe(["devices/rx-mediation-client/temp", "devices/rx-mediation-client/curl"]);
        polled.ShouldAllBe(p => p.Headers.GetProperty("principal").GetString() == "rx-mediation-client");
    }

    [Fact]
    public async Task A_client_certificate_whose_cn_is_given_no_roles_is_that_principal_with_no_rights()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(ClientCertificates(certificates, "Require"));
        using var unlisted = HttpsClient(server, certificates, certificates.IssueClient("sensor-9"));

        using var own = await unlisted.PostAsync("/events?topic=devices/sensor-9/temp", new StringContent("20"));

        own.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "authenticated (not 401), but the devices role is only rx-mediation-client's");
        (await own.Content.ReadAsStringAsync()).ShouldContain("'sensor-9' may not publish 'devices/sensor-9/temp'");
    }

    [Fact]
    public async Task With_client_certificates_allowed_a_client_without_one_needs_another_credential_on_either_listener()
    {
        await using var certificates = TestCertificates.Create();
        var hash = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ApiKey)));
        await using var server = await RunningServer.StartAsync(ClientCertificates(certificates, "Allow",
            $"--Mediation:Security:ApiKeys:keyed:KeyHash={hash}", "--Mediation:Security:Rights:keyed:Publish:0=#"));
        using var anonymous = HttpsClient(server, certificates);
        using var device = HttpsClient(server, certificates, (certificates.ClientCertFile, certificates.ClientKeyFile));
        var keyed = new HttpRequestMessage(HttpMethod.Post, "/events?topic=any/t") { Content = new StringContent("x") };
        keyed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var noCredential = await anonymous.PostAsync("/events?topic=devices/rx-mediation-client/t", new StringContent("x"));
        using var plainNoCredential = await server.Http.PostAsync("/events?topic=devices/rx-mediation-client/t", new StringContent("x"));
        using var withKey = await anonymous.SendAsync(keyed);
        using var withCertificate = await device.PostAsync("/events?topic=devices/rx-mediation-client/t", new StringContent("x"));

        noCredential.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await noCredential.Content.ReadAsStringAsync()).ShouldContain("or connect over https with a client certificate");
        plainNoCredential.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        withKey.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        withCertificate.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task An_https_listener_beyond_loopback_without_authentication_stops_the_start_naming_it()
    {
        await using var certificates = TestCertificates.Create();

        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(SideBySide(certificates, "--Mediation:HttpsUrl=https://0.0.0.0:0")));

        error.Problems.Single().ShouldStartWith("Mediation:HttpsUrl listens on 0.0.0.0, beyond loopback, and no authentication is configured");
    }

    [Fact]
    public async Task Client_certificates_count_as_authentication_so_an_https_listener_beyond_loopback_starts()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(ClientCertificates(certificates, "Require", "--Mediation:HttpsUrl=https://0.0.0.0:0"));
        var port = Https(server).Port;

        var posted = await CurlPostAsync(new Uri($"https://127.0.0.1:{port}/events?topic=devices/rx-mediation-client/t"),
            "--cacert", certificates.CaFile, "--cert", certificates.ClientCertFile, "--key", certificates.ClientKeyFile);

        posted.Status.ShouldBe("202", posted.Output);
    }

    [Fact]
    public async Task The_https_listeners_host_is_answered_by_default_and_an_unknown_host_is_not()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates, "--Mediation:HttpsUrl=https://127.0.0.2:0"));

        using var https = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent("x") };
        https.Headers.Host = $"127.0.0.2:{Https(server).Port}";
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent("x") };
        unknown.Headers.Host = "127.0.0.3";

        (await server.Http.SendAsync(https)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await server.Http.SendAsync(unknown)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_page_from_one_listener_may_post_to_the_other_but_a_page_on_another_port_may_not()
    {
        await using var certificates = TestCertificates.Create();
        await using var server = await RunningServer.StartAsync(SideBySide(certificates));
        using var https = HttpsClient(server, certificates);

        async Task<HttpStatusCode> PostFrom(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent("x") };
            request.Headers.Add("Origin", origin);
            using var response = await https.SendAsync(request);
            return response.StatusCode;
        }

        (await PostFrom($"http://127.0.0.1:{Http(server).Port}")).ShouldBe(HttpStatusCode.Accepted);
        (await PostFrom($"https://127.0.0.1:{Https(server).Port}")).ShouldBe(HttpStatusCode.Accepted);
        using var free = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        free.Start();
        (await PostFrom($"http://127.0.0.1:{((IPEndPoint)free.LocalEndpoint).Port}")).ShouldBe(HttpStatusCode.Forbidden);
        (await PostFrom($"http://evil.example:{Http(server).Port}")).ShouldBe(HttpStatusCode.Forbidden);
    }

    private static string OneLine(string error)
    {
        var lines = error.TrimEnd().Split('\n');
        lines.Length.ShouldBe(1, error);
        lines[0].ShouldNotContain("Exception", customMessage: "no exception, no stack trace");
        return lines[0].TrimEnd('\r');
    }
}

namespace Rx.Mediation.Testing.Tls;

/// <summary>
/// Certificates made with openssl when a test run starts, in a private directory deleted on dispose (no key is ever
/// committed): a CA, a server certificate it signed for <c>localhost</c> and <c>127.0.0.1</c> (and no other name), a
/// client certificate it signed, and a second CA that signed nothing here, for "wrong CA" cases. All PEM, keys
/// unencrypted, valid for two days.
/// </summary>
/// <remarks>
/// <code>
/// await using var certificates = await TestCertificates.CreateAsync();
/// // broker: certificates.CaFile, ServerCertificateFile, ServerKeyFile; client: CaFile (or OtherCaFile), ClientCertificateFile, ClientKeyFile
/// </code>
/// </remarks>
public sealed class TestCertificates : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertificateFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertificateFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>A CA that signed none of these certificates.</summary>
    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    public static async Task<TestCertificates> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rxm-tls-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory);
        try
        {
            await certificates.CreateAuthorityAsync("ca", "/CN=Rx.Mediation test CA");
            await certificates.CreateAuthorityAsync("other-ca", "/CN=Some other CA");
            await certificates.CreateSignedAsync("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            await certificates.CreateSignedAsync("client", "/CN=rx-mediation-spec-client", "extendedKeyUsage=clientAuth\n");
        }
        catch
        {
            await certificates.DisposeAsync();
            throw;
        }
        return certificates;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a broker still holding a file open: the temp directory's reaper takes it.
        }
        return ValueTask.CompletedTask;
    }

    private Task CreateAuthorityAsync(string name, string subject) => OpenSslAsync(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", File(name + ".key"), "-out", File(name + ".pem"));

    private async Task CreateSignedAsync(string name, string subject, string extensions)
    {
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", File(name + ".key"), "-out", File(name + ".csr"));
        await System.IO.File.WriteAllTextAsync(File(name + ".ext"), extensions);
        await OpenSslAsync("x509", "-req", "-in", File(name + ".csr"), "-CA", CaFile, "-CAkey", File("ca.key"), "-CAcreateserial",
            "-days", "2", "-sha256", "-extfile", File(name + ".ext"), "-out", File(name + ".pem"));
    }

    private static async Task OpenSslAsync(params string[] arguments)
    {
        var (code, output) = await ExternalProcess.RunAsync("openssl", arguments, Timeout);
        code.ShouldBe(0, $"openssl {string.Join(' ', arguments)}\n{output}");
    }

    private string File(string name) => Path.Combine(Directory, name);
}

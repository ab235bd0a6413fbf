using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rx.Mediation.Testing;

/// <summary>
/// A certificate authority made at test time, with a server certificate for <c>localhost</c> / <c>127.0.0.1</c> and a
/// client certificate it signed, written as PEM files to a temporary directory (no key is ever committed). A second,
/// unrelated authority (<see cref="OtherCaFile"/>) is the "wrong CA" a client must refuse the server by, and a server
/// must refuse a client certificate it signed (<see cref="IssueClient"/>).
/// </summary>
public sealed class TestCertificates : IDisposable, IAsyncDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>The certificate of an authority that signed nothing here.</summary>
    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    private string CaKeyFile => Path.Combine(Directory, "ca.key");

    private string OtherCaKeyFile => Path.Combine(Directory, "other-ca.key");

    /// <summary>
    /// Another client certificate, for <paramref name="commonName"/>, signed by the test CA or, with
    /// <paramref name="byOtherAuthority"/>, by the unrelated one; its PEM certificate and key files.
    /// </summary>
    public (string CertFile, string KeyFile) IssueClient(string commonName, bool byOtherAuthority = false)
    {
        using var ca = X509Certificate2.CreateFromPemFile(byOtherAuthority ? OtherCaFile : CaFile, byOtherAuthority ? OtherCaKeyFile : CaKeyFile);
        var name = $"{(byOtherAuthority ? "other-" : "")}client-{commonName}";
        var files = (Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + ".key"));
        Issue(ca, $"CN={commonName}", null, serverAuth: false, files.Item1, files.Item2);
        return files;
    }

    /// <summary>The server's key again, encrypted (PKCS#8) with <paramref name="password"/>; the file's path.</summary>
    public string EncryptedServerKey(string password)
    {
        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(ServerKeyFile));
        var file = Path.Combine(Directory, "server-encrypted.key");
        File.WriteAllText(file, key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        return file;
    }

    /// <param name="serverNames">DNS names the server certificate carries besides <c>localhost</c>.</param>
    public static TestCertificates Create(params string[] serverNames)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("rx-tls-").FullName;
        var certificates = new TestCertificates(directory);
        using var ca = Authority("CN=Rx.Mediation test CA");
        using var other = Authority("CN=Some other CA");
        File.WriteAllText(certificates.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(certificates.OtherCaFile, other.ExportCertificatePem());
        File.WriteAllText(certificates.CaKeyFile, ca.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificates.OtherCaKeyFile, other.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        foreach (var name in serverNames) san.AddDnsName(name);
        san.AddIpAddress(IPAddress.Loopback);
        Issue(ca, "CN=localhost", san.Build(), serverAuth: true, certificates.ServerCertFile, certificates.ServerKeyFile);
        Issue(ca, "CN=rx-mediation-client", null, serverAuth: false, certificates.ClientCertFile, certificates.ClientKeyFile);
        return certificates;
    }

    private static X509Certificate2 Authority(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static void Issue(X509Certificate2 ca, string subject, X509Extension? san, bool serverAuth, string certFile, string keyFile)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

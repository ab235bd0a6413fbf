using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rx.Mediation.Amqp.Specs.Support;

/// <summary>A self-signed certificate and its key as PEM files, made in-process: settings checks need files, not a broker.</summary>
internal static class SelfSignedPem
{
    public static (string Certificate, string Key) Write(string directory, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificateFile = Path.Combine(directory, name + ".pem");
        var keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// Loads the listener's certificate and key from <see cref="TlsOptions"/>. Each failure is one line naming the setting
/// at fault: the certificate file (missing, not a PEM certificate), or the key file (missing, no key, encrypted
/// without the right password, or another certificate's key). The password never appears in a message.
/// </summary>
public static class ServerCertificate
{
    /// <summary>Why the certificate cannot be loaded, or null when it can.</summary>
    public static string? Problem(TlsOptions tls, string section)
    {
        var (certificate, problem) = TryLoad(tls, section);
        certificate?.Dispose();
        return problem;
    }

    /// <summary>The certificate with its key; throws <see cref="SettingsException"/> naming the setting when it cannot be loaded.</summary>
    public static X509Certificate2 Load(TlsOptions tls, string section)
    {
        var (certificate, problem) = TryLoad(tls, section);
        return certificate ?? throw new SettingsException(problem!);
    }

    private static (X509Certificate2?, string?) TryLoad(TlsOptions tls, string section)
    {
        var certFile = tls.CertificateFile!;
        var keyFile = string.IsNullOrWhiteSpace(tls.KeyFile) ? null : tls.KeyFile;
        if (!File.Exists(certFile)) return (null, $"{section}:CertificateFile '{certFile}' does not exist");
        if (keyFile is not null && !File.Exists(keyFile)) return (null, $"{section}:KeyFile '{keyFile}' does not exist");
        try
        {
            // The certificate alone first, so that a bad certificate file is not blamed on the key.
            using var _ = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return (null, $"{section}:CertificateFile '{certFile}' holds no readable PEM certificate ({Reason(ex)})");
        }
        var keySetting = keyFile is null ? $"{section}:CertificateFile" : $"{section}:KeyFile";
        var keyPlace = keyFile ?? certFile;
        string keyText;
        try
        {
            keyText = File.ReadAllText(keyPlace);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{keySetting} '{keyPlace}' cannot be read ({Reason(ex)})");
        }
        var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && string.IsNullOrEmpty(tls.KeyPassword))
            return (null, $"{keySetting} '{keyPlace}' holds an encrypted key: set {section}:KeyPassword");
        if (!Readable(keyText, encrypted ? tls.KeyPassword : null))
        {
            return (null, encrypted
                ? $"{keySetting} '{keyPlace}' holds a key that {section}:KeyPassword does not decrypt"
                : $"{keySetting} '{keyPlace}' holds no PEM private key (RSA or EC, PKCS#8, PKCS#1 or SEC1)");
        }
        try
        {
            var certificate = encrypted
                ? X509Certificate2.CreateFromEncryptedPemFile(certFile, tls.KeyPassword, keyFile)
                : X509Certificate2.CreateFromPemFile(certFile, keyFile);
            return (certificate, null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The key was read above: what is left is that it belongs to another certificate (the library's message says less).
            return (null, $"{keySetting} '{keyPlace}' holds a key that is not the key of the certificate '{certFile}'");
        }
    }

    /// <summary>Whether the text holds a private key this server can use, read apart from the certificate to tell a wrong key from an unreadable one.</summary>
    private static bool Readable(string pem, string? password)
    {
        foreach (var create in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            using var key = create();
            try
            {
                if (password is null) key.ImportFromPem(pem);
                else key.ImportFromEncryptedPem(pem, password);
                return true;
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
            }
        }
        return false;
    }

    private static string Reason(Exception ex) => ex.Message.TrimEnd('.');
}

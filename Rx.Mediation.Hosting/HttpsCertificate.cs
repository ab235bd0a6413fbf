using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting;

/// <summary>
/// The certificate an https:// listener presents when <c>Mediation:Tls</c> names none, from Kestrel's usual settings
/// <c>Kestrel:Certificates:Default:Path</c> (a PEM certificate with <c>KeyPath</c>, or a PFX file) and <c>Password</c>.
/// Loaded while the server is built, so a missing or unreadable certificate stops the start with one line naming the
/// setting, not a stack trace later.
/// </summary>
public static class HttpsCertificate
{
    public const string Section = "Kestrel:Certificates:Default";

    /// <param name="setting">The listener's setting (<c>Mediation:Url</c>, <c>Mediation:HttpsUrl</c>), named when no certificate is configured.</param>
    public static X509Certificate2 Load(IConfiguration configuration, string url, string setting)
    {
        var path = configuration[$"{Section}:Path"];
        var keyPath = configuration[$"{Section}:KeyPath"];
        var password = configuration[$"{Section}:Password"];
        if (string.IsNullOrWhiteSpace(path))
            throw new SettingsException($"{setting} is {url}, which needs a certificate: set {MediationOptions.Section}:Tls:CertificateFile and {MediationOptions.Section}:Tls:KeyFile (server: tls: certificate-file, key-file), or {Section}:Path");
        if (!File.Exists(path)) throw new SettingsException($"{Section}:Path: the file '{path}' does not exist");
        if (keyPath is not null && !File.Exists(keyPath)) throw new SettingsException($"{Section}:KeyPath: the file '{keyPath}' does not exist");
        try
        {
            if (keyPath is null) return X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return password is null ? X509Certificate2.CreateFromPemFile(path, keyPath) : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (CryptographicException ex)
        {
            throw new SettingsException($"{Section}:Path: the certificate '{path}' cannot be loaded: {ex.Message}");
        }
    }
}

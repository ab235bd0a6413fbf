namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// Section <c>Mediation:Tls</c> (in a configuration file, <c>server: tls:</c>): the certificate the server's https://
/// listeners present (<c>Mediation:HttpsUrl</c>, or an https:// <c>Mediation:Url</c>), from PEM files. Loaded and
/// checked at start, so a missing file or a key that does not fit stops the start with one line naming the setting.
/// docs/security.md#tls.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The PEM certificate (the server's first, then any intermediates); it may hold the key too.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key (PKCS#8, PKCS#1 or SEC1); none: the key is in <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The password of an encrypted PKCS#8 key; a secret, never shown.</summary>
    public string? KeyPassword { get; set; }

    public bool IsOn => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(KeyFile);

    /// <summary>Every problem, each naming its key; the files are read, so a key that does not fit is found now.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (!IsOn) yield break;
        if (string.IsNullOrWhiteSpace(CertificateFile))
        {
            yield return $"{section}:CertificateFile is required with a key file (the PEM certificate the key belongs to)";
            yield break;
        }
        if (ServerCertificate.Problem(this, section) is { } problem) yield return problem;
    }
}

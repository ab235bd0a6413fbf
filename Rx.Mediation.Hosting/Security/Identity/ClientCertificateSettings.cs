namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Client certificates as a credential (<c>Mediation:Security:ClientCertificates</c>): checked against
/// <see cref="CaFile"/> at the TLS handshake of the https:// listeners, then the certificate's subject CN is the
/// principal's name and <see cref="Roles"/> gives it roles, so <see cref="SecurityOptions.Rights"/> apply as to API keys.
/// </summary>
public sealed class ClientCertificateSettings
{
    public ClientCertificateRequirement Mode { get; set; } = ClientCertificateRequirement.None;

    /// <summary>The PEM certificate(s) of the authority that signs clients' certificates; the only ones trusted for them.</summary>
    public string? CaFile { get; set; }

    /// <summary>Roles by subject CN, each naming an entry of <see cref="SecurityOptions.Rights"/>; a CN not listed has none.</summary>
    public Dictionary<string, List<string>> Roles { get; set; } = new(StringComparer.Ordinal);

    public bool IsOn => Mode != ClientCertificateRequirement.None;

    /// <summary>Every problem, each naming its key; the CA file is read, so a wrong one is found at start.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (!IsOn) yield break;
        if (string.IsNullOrWhiteSpace(CaFile))
        {
            yield return $"{section}:CaFile is required with client certificates on (the PEM certificate of the authority that signs them)";
            yield break;
        }
        if (Tls.ClientCertificateAuthority.Problem(CaFile) is { } problem) yield return $"{section}:CaFile '{CaFile}' {problem}";
    }
}

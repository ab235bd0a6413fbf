using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Rx.Mediation.Connectors.Tls;

/// <summary>
/// How a connector checks a broker's certificate, the same for every client library: against the configured
/// authorities (or the system's), with the host name checked unless turned off. A refusal is kept, worded for the
/// operator (which endpoint, which setting, what was wrong), for the connector to report as its unhealthy reason:
/// the client libraries only say that a callback rejected the certificate.
/// </summary>
public sealed class BrokerTls(
    string endpoint, string settingsKey, X509Certificate2Collection? trust, string? caFile, X509Certificate2? clientCertificate, bool checkHostname, string? serverName)
{
    private string? _refusal;

    public X509Certificate2? ClientCertificate { get; } = clientCertificate;

    /// <summary>The endpoint these settings belong to.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>The configuration key of the TLS section, e.g. <c>Mediation:Endpoints:orders:Tls</c>, for messages.</summary>
    public string SettingsKey { get; } = settingsKey;

    /// <summary>The configured authorities' file, for clients that read it themselves (librdkafka); null for the system's.</summary>
    public string? CaFile { get; } = caFile;

    /// <summary>The client certificate's file, for clients that read it themselves.</summary>
    public string? CertFile { get; init; }

    /// <summary>The client certificate's key file, for clients that read it themselves.</summary>
    public string? KeyFile { get; init; }

    public bool CheckHostname { get; } = checkHostname;

    /// <summary>The name the broker's certificate must carry, when it is not the host connected to.</summary>
    public string? ServerName { get; } = serverName;

    /// <summary>The certificate check every connector hands its client library.</summary>
    /// <param name="presentedChain">The chain as the handshake built it: intermediates the broker sent along complete the path to the configured authorities.</param>
    public bool Accept(string host, X509Certificate? certificate, SslPolicyErrors errors, X509Chain? presentedChain = null)
    {
        if (certificate is null) return Refuse($"the broker at {host} presented no certificate");
        if (CheckHostname && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"the broker's certificate ({certificate.Subject}) does not name '{ServerName ?? host}' ({SettingsKey}:CheckHostname is on; {SettingsKey}:ServerName sets the name to expect)");
        if (trust is null)
        {
            if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) return Accepted();
            return Refuse($"the broker's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not trusted by this system's authorities; set {SettingsKey}:CaFile to the authority that signed it");
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in presentedChain?.ChainElements.Skip(1) ?? []) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(presented)) return Accepted();
        var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return Refuse($"the broker's certificate ({presented.Subject}, issued by {presented.Issuer}) is not signed by an authority in {SettingsKey}:CaFile ('{CaFile}'): {status}");
    }

    /// <summary>Callback form for <see cref="SslStream"/> and libraries that take one.</summary>
    public RemoteCertificateValidationCallback CallbackFor(string host) => (_, certificate, chain, errors) => Accept(host, certificate, errors, chain);

    /// <summary>
    /// The operator's reason for a failed connection: the refusal worded by <see cref="Accept"/> when the certificate
    /// check failed, else the handshake's own error when it is one, else null (not a TLS problem).
    /// </summary>
    public string? Describe(Exception failure)
    {
        if (Interlocked.Exchange(ref _refusal, null) is { } refusal) return $"TLS to endpoint '{Endpoint}' refused: {refusal}";
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException) return $"TLS handshake of endpoint '{Endpoint}' failed: {e.Message}";
        }
        return null;
    }

    private bool Accepted()
    {
        Volatile.Write(ref _refusal, null);
        return true;
    }

    private bool Refuse(string reason)
    {
        Volatile.Write(ref _refusal, reason);
        return false;
    }
}

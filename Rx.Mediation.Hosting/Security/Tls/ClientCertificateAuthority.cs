using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// The authority that signs clients' certificates (<c>Mediation:Security:ClientCertificates:CaFile</c>), trusted for
/// them alone, not the machine's roots. ASP.NET Core's certificate handler holds the rules (<see cref="Trust"/>) and
/// checks each request's certificate; the TLS handshake applies the same ones first (<see cref="HandshakePolicy"/>), so
/// a certificate from another authority, expired or not for client authentication fails the handshake as before.
/// </summary>
internal sealed class ClientCertificateAuthority
{
    private readonly X509Certificate2Collection _certificates;

    private ClientCertificateAuthority(X509Certificate2Collection certificates) => _certificates = certificates;

    /// <summary>Reads <paramref name="caFile"/>, which <see cref="Problem"/> found usable at start.</summary>
    public static ClientCertificateAuthority Load(string caFile) => new(Read(caFile));

    /// <summary>Why <paramref name="caFile"/> cannot serve as the clients' authority (to follow its name), or null when it can.</summary>
    public static string? Problem(string caFile)
    {
        if (!File.Exists(caFile)) return "does not exist";
        try
        {
            return Read(caFile).Count == 0 ? "holds no PEM certificate" : null;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"holds no readable PEM certificate ({ex.Message.TrimEnd('.')})";
        }
    }

    /// <summary>
    /// The handler's rules: a certificate the authority signed (never a self-signed one, the authority's own included),
    /// within its validity and usable for client authentication (its EKU, and each issuer's on the way).
    /// </summary>
    public void Trust(CertificateAuthenticationOptions options)
    {
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        options.CustomTrustStore = [.. _certificates];
        options.ValidateValidityPeriod = true;
        options.ValidateCertificateUse = true;
        // No revocation check: the authority is the operator's own, and such authorities seldom publish a CRL or an
        // OCSP responder. The handler's default (Online) would refuse every certificate of one that publishes none
        // (revocation status unknown) and make each check wait on the network.
        options.RevocationMode = X509RevocationMode.NoCheck;
    }

    /// <summary>
    /// The chain policy SslStream builds a client's chain with at the handshake: the handler's rules (<see cref="Trust"/>),
    /// read from its options rather than said twice.
    /// </summary>
    public X509ChainPolicy HandshakePolicy()
    {
        var rules = new CertificateAuthenticationOptions();
        Trust(rules);
        var policy = new X509ChainPolicy { TrustMode = rules.ChainTrustValidationMode, RevocationMode = rules.RevocationMode, RevocationFlag = rules.RevocationFlag };
        policy.CustomTrustStore.AddRange(rules.CustomTrustStore);
        if (rules.ValidateCertificateUse) policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication"));
        if (!rules.ValidateValidityPeriod) policy.VerificationFlags |= X509VerificationFlags.IgnoreNotTimeValid;
        return policy;
    }

    private static X509Certificate2Collection Read(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return authorities;
    }
}

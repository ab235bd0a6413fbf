using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// Decides at the TLS handshake whether a client certificate is one the configured authority issued: a chain to
/// <c>Mediation:Security:ClientCertificates:CaFile</c> alone (not the machine's trusted roots), within its validity,
/// and usable for client authentication. A refused certificate fails the handshake; refusals are logged at Warning,
/// at most one line per 10 s.
/// </summary>
public sealed class ClientCertificateTrust
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(10);

    private readonly X509Certificate2Collection _authorities;
    private readonly ILogger _logger;
    private long _lastRefusalLog = long.MinValue;

    public ClientCertificateTrust(string caFile, ILogger logger)
    {
        _authorities = Read(caFile);
        _logger = logger;
    }

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

    public bool Validate(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // The authority is the operator's own: there is no revocation list to ask.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate)) return true;
        LogRefusal(certificate, chain);
        return false;
    }

    private void LogRefusal(X509Certificate2 certificate, X509Chain chain)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastRefusalLog);
        // long.MinValue is "never logged": now - long.MinValue would overflow, and every line would be left out.
        if ((last != long.MinValue && now - last < RefusalLogInterval.TotalMilliseconds) || Interlocked.CompareExchange(ref _lastRefusalLog, now, last) != last) return;
        var reasons = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        _logger.LogWarning("Refused the client certificate {Subject} at the TLS handshake: {Reasons} (Mediation:Security:ClientCertificates:CaFile)", certificate.Subject, reasons);
    }

    private static X509Certificate2Collection Read(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return authorities;
    }
}

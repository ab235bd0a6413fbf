using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// Logs client certificates refused at the TLS handshake, at Warning and at most one line per 10 s: a client that
/// retries with a wrong certificate must not flood the log, and the first line already says what is wrong.
/// </summary>
internal sealed class ClientCertificateRefusals(ILogger logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long _lastLogged = long.MinValue;

    /// <summary>Logs the refusal of <paramref name="certificate"/> (unless one was logged lately) and returns false, the handshake's answer.</summary>
    public bool Refuse(X509Certificate2 certificate, X509Chain? chain, System.Net.Security.SslPolicyErrors errors)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastLogged);
        // long.MinValue is "never logged": now - long.MinValue would overflow, and every line would be left out.
        if ((last != long.MinValue && now - last < Interval.TotalMilliseconds) || Interlocked.CompareExchange(ref _lastLogged, now, last) != last) return false;
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        var reasons = statuses.Count > 0 ? string.Join(", ", statuses) : errors.ToString();
        logger.LogWarning("Refused the client certificate {Subject} at the TLS handshake: {Reasons} (Mediation:Security:ClientCertificates:CaFile)", certificate.Subject, reasons);
        return false;
    }
}

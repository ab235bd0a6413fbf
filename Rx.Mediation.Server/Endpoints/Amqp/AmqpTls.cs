using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amqp;

namespace Rx.Mediation.Server.Endpoints.Amqp;

/// <summary>
/// TLS of an <c>amqps</c> connection: the broker's certificate is checked against the CA file of <c>TlsCaFile</c> (or the
/// system's roots) and, unless <c>TlsCheckHostname=false</c>, must name <c>Host</c>; a client certificate is presented
/// when <c>TlsCertFile</c>/<c>TlsKeyFile</c> are set. A refused certificate leaves its reason in <see cref="LastRejection"/>,
/// because the handshake itself only says that the validation callback said no.
/// </summary>
internal sealed class AmqpTls
{
    private readonly string _endpoint;
    private readonly string _host;
    private readonly string? _caFile;
    private readonly X509Certificate2Collection? _authorities;
    private readonly X509Certificate2? _clientCertificate;
    private readonly bool _checkHostname;
    private volatile string? _lastRejection;

    private AmqpTls(string endpoint, AmqpSettings settings, X509Certificate2Collection? authorities, X509Certificate2? clientCertificate)
    {
        _endpoint = endpoint;
        _host = settings.Host;
        _caFile = settings.TlsCaFile;
        _authorities = authorities;
        _clientCertificate = clientCertificate;
        _checkHostname = settings.TlsCheckHostname;
    }

    /// <summary>A client certificate is configured (<c>TlsCertFile</c>, <c>TlsKeyFile</c>).</summary>
    public bool PresentsCertificate => _clientCertificate is not null;

    /// <summary>Why the last handshake refused the broker's certificate; null when it did not.</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>What is wrong with the TLS settings, as (setting, problem) pairs; empty when they load.</summary>
    public static IEnumerable<(string Setting, string Problem)> Problems(AmqpSettings settings)
    {
        var problem = TryLoad("", settings, out _);
        return problem is { } found ? [found] : [];
    }

    /// <summary>The TLS of <paramref name="settings"/> (null without <c>Tls</c>), or the first setting that is wrong and why.</summary>
    public static (string Setting, string Problem)? TryLoad(string endpoint, AmqpSettings settings, out AmqpTls? tls)
    {
        tls = null;
        if (!settings.Tls)
        {
            foreach (var (setting, value) in Files(settings))
            {
                if (!string.IsNullOrWhiteSpace(value)) return (setting, "applies only with Tls=true (amqps): set Tls=true or remove it");
            }
            return null;
        }
        if (string.IsNullOrWhiteSpace(settings.TlsCertFile) != string.IsNullOrWhiteSpace(settings.TlsKeyFile))
        {
            return string.IsNullOrWhiteSpace(settings.TlsKeyFile)
                ? (nameof(AmqpSettings.TlsKeyFile), "is required with TlsCertFile: the client certificate's private key (PEM)")
                : (nameof(AmqpSettings.TlsCertFile), "is required with TlsKeyFile: the client certificate (PEM)");
        }
        foreach (var (setting, value) in Files(settings))
        {
            if (!string.IsNullOrWhiteSpace(value) && !File.Exists(value)) return (setting, $"names '{value}', which does not exist");
        }
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(settings.TlsCaFile))
        {
            authorities = [];
            try
            {
                authorities.ImportFromPemFile(settings.TlsCaFile);
            }
            catch (CryptographicException ex)
            {
                return (nameof(AmqpSettings.TlsCaFile), $"'{settings.TlsCaFile}' cannot be read as PEM certificates: {ex.Message}");
            }
            if (authorities.Count == 0) return (nameof(AmqpSettings.TlsCaFile), $"'{settings.TlsCaFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        X509Certificate2? client = null;
        if (!string.IsNullOrWhiteSpace(settings.TlsCertFile))
        {
            try
            {
                X509CertificateLoader.LoadCertificateFromFile(settings.TlsCertFile).Dispose();
            }
            catch (CryptographicException ex)
            {
                return (nameof(AmqpSettings.TlsCertFile), $"'{settings.TlsCertFile}' is not a PEM certificate: {ex.Message}");
            }
            try
            {
                client = X509Certificate2.CreateFromPemFile(settings.TlsCertFile, settings.TlsKeyFile);
            }
            catch (CryptographicException ex)
            {
                return (nameof(AmqpSettings.TlsKeyFile), $"'{settings.TlsKeyFile}' is not the unencrypted PEM private key of the certificate in TlsCertFile: {ex.Message}");
            }
        }
        tls = new AmqpTls(endpoint, settings, authorities, client);
        return null;
    }

    public void Configure(ConnectionFactory factory)
    {
        factory.SSL.RemoteCertificateValidationCallback = Validate;
        if (_clientCertificate is not null) factory.SSL.ClientCertificates.Add(_clientCertificate);
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _lastRejection = null;
        if (certificate is null) return Reject("the broker presented no certificate");
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (_checkHostname && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Reject($"the broker's certificate '{presented.Subject}' does not name host '{_host}' (checked because TlsCheckHostname is true)");
        if (_authorities is null)
        {
            return !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)
                || Reject($"the broker's certificate '{presented.Subject}' (issued by '{presented.Issuer}') is not trusted by the system's CA store ({Statuses(chain)}); TlsCaFile names a CA to trust instead");
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the broker sent along may complete the path to the configured CA.
        foreach (var element in chain?.ChainElements.Skip(1) ?? []) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(presented)
            || Reject($"the broker's certificate '{presented.Subject}' (issued by '{presented.Issuer}') does not chain to a CA in TlsCaFile '{_caFile}' ({Statuses(custom)})");
    }

    private bool Reject(string reason)
    {
        _lastRejection = $"{reason} [endpoint '{_endpoint}']";
        return false;
    }

    private static string Statuses(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "no trusted chain" : string.Join(", ", statuses);
    }

    private static IEnumerable<(string Setting, string? Value)> Files(AmqpSettings settings) =>
    [
        (nameof(AmqpSettings.TlsCaFile), settings.TlsCaFile),
        (nameof(AmqpSettings.TlsCertFile), settings.TlsCertFile),
        (nameof(AmqpSettings.TlsKeyFile), settings.TlsKeyFile),
    ];
}

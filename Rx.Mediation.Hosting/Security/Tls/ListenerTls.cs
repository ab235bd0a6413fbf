using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Hosting.Security.Identity;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// What every https:// listener does at the handshake: presents the server's certificate (with the intermediates of
/// its file) and, when client certificates are on, asks for one and accepts only those <see cref="ClientCertificateTrust"/>
/// accepts. A refused or (with <c>Require</c>) missing client certificate fails the handshake.
/// </summary>
public sealed class ListenerTls
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection? _chain;
    private readonly ClientCertificateMode _mode;
    private readonly ClientCertificateTrust? _trust;

    public ListenerTls(X509Certificate2 certificate, X509Certificate2Collection? chain, ClientCertificateSettings clients, ILogger logger)
    {
        _certificate = certificate;
        _chain = chain;
        _mode = clients.Mode switch
        {
            ClientCertificateRequirement.Require => ClientCertificateMode.RequireCertificate,
            ClientCertificateRequirement.Allow => ClientCertificateMode.AllowCertificate,
            _ => ClientCertificateMode.NoCertificate,
        };
        _trust = clients.IsOn ? new ClientCertificateTrust(clients.CaFile!, logger) : null;
    }

    /// <summary>
    /// The certificate the https:// listeners present, or null when none listens over TLS: from <c>Mediation:Tls</c>,
    /// else from Kestrel's <c>Kestrel:Certificates:Default</c>. Loaded while the server is built, so a missing or
    /// unusable certificate stops the start with one line naming the setting (<see cref="SettingsException"/>).
    /// </summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection? Chain)? Load(IConfiguration configuration, MediationOptions options)
    {
        var https = options.Listeners().FirstOrDefault(l => ListenAddress.IsHttps(l.Url));
        if (https.Url is null) return null;
        if (!options.Tls.IsOn) return (HttpsCertificate.Load(configuration, https.Url, https.Setting), null);
        var certificate = ServerCertificate.Load(options.Tls, $"{MediationOptions.Section}:Tls");
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(options.Tls.CertificateFile!);
        return (certificate, all.Count > 1 ? [.. all.Skip(1)] : null);
    }

    /// <summary>Kestrel's options for one listener (each listener gets its own instance).</summary>
    public HttpsConnectionAdapterOptions Options()
    {
        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _certificate,
            ServerCertificateChain = _chain,
            ClientCertificateMode = _mode,
        };
        if (_trust is { } trust) options.ClientCertificateValidation = (certificate, _, _) => trust.Validate(certificate);
        return options;
    }
}

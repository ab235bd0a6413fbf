using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Hosting.Security.Identity;

namespace Rx.Mediation.Hosting.Security.Tls;

/// <summary>
/// What every https:// listener does at the handshake: presents the server's certificate (with the intermediates of
/// its file) and, when client certificates are on, asks for one and accepts only those that chain by the rules of
/// <see cref="ClientCertificateAuthority"/>. A refused or (with <c>Require</c>) missing client certificate fails the
/// handshake; who the client is, is then the certificate handler's to say (<see cref="ClientCertificateAuthentication"/>).
/// </summary>
public sealed class ListenerTls
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection? _chain;
    private readonly ClientCertificateMode _mode;
    private readonly X509ChainPolicy? _clientChainPolicy;
    private readonly ClientCertificateRefusals _refusals;

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
        _clientChainPolicy = clients.IsOn ? ClientCertificateAuthority.Load(clients.CaFile!).HandshakePolicy() : null;
        _refusals = new ClientCertificateRefusals(logger);
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
        if (_clientChainPolicy is not { } policy) return options;
        // SslStream builds the client's chain with this policy, so the errors Kestrel hands on are those against the
        // CA file alone. A clone per handshake: SslStream adds the certificates the client sent to the policy it gets.
        options.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = policy.Clone();
        options.ClientCertificateValidation = (certificate, chain, errors) => errors == SslPolicyErrors.None || _refusals.Refuse(certificate, chain, errors);
        return options;
    }
}

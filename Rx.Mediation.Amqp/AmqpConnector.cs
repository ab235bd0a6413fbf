using Amqp;
using Amqp.Sasl;
using Rx.Mediation.Connectors.Tls;

namespace Rx.Mediation.Amqp;

/// <summary>
/// Opens AMQP 1.0 connections with an endpoint's settings: <c>amqp</c> or <c>amqps</c> to <c>Host:Port</c>, SASL PLAIN
/// with a user (never a silent fallback to ANONYMOUS, so wrong credentials fail) or ANONYMOUS without one, the
/// container id, and <c>VirtualHost</c> as the open frame's hostname.
/// </summary>
internal sealed class AmqpConnector
{
    private readonly ConnectionFactory _factory = new();
    private readonly Address _address;

    public AmqpConnector(string name, AmqpSettings settings, BrokerTls? tls)
    {
        Tls = tls;
        Target = $"{settings.Host}:{settings.EffectivePort}";
        var user = string.IsNullOrWhiteSpace(settings.Username) ? null : settings.Username;
        _address = new Address(settings.Host, settings.EffectivePort, user, user is null ? null : settings.ResolvePassword() ?? "", "/", tls is null ? "AMQP" : "AMQPS");
        if (user is null) _factory.SASL.Profile = SaslProfile.Anonymous;
        _factory.AMQP.ContainerId = string.IsNullOrWhiteSpace(settings.ContainerId) ? $"rx-mediation-{name}-{Guid.NewGuid():N}" : settings.ContainerId;
        _factory.AMQP.HostName = string.IsNullOrWhiteSpace(settings.VirtualHost) ? settings.Host : settings.VirtualHost;
        if (tls is not null)
        {
            _factory.SSL.RemoteCertificateValidationCallback = tls.CallbackFor(settings.Host);
            if (tls.ClientCertificate is { } certificate) _factory.SSL.ClientCertificates.Add(certificate);
        }
    }

    /// <summary>host:port, as health details and logs name the broker.</summary>
    public string Target { get; }

    public BrokerTls? Tls { get; }

    public Task<Connection> ConnectAsync(CancellationToken cancellationToken) => _factory.CreateAsync(_address, cancellationToken);

    /// <summary>Why a connection attempt failed, in one line.</summary>
    public string Describe(Exception exception)
    {
        var reason = AmqpErrors.Describe(exception, Tls);
        // TLS alert 116 (certificate_required), as OpenSSL words it: say which settings answer it.
        return Tls is { ClientCertificate: null } && reason.Contains("certificate required", StringComparison.OrdinalIgnoreCase)
            ? $"{reason} (the broker asks for a client certificate: set {Tls.SettingsKey}:CertFile and {Tls.SettingsKey}:KeyFile)"
            : reason;
    }
}

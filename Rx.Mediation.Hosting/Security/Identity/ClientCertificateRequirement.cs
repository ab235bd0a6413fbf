namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>Whether the https:// listeners ask clients for a certificate at the TLS handshake.</summary>
public enum ClientCertificateRequirement
{
    /// <summary>Not asked for; clients identify themselves by API key or JWT, if at all.</summary>
    None,

    /// <summary>Asked for: a client may present one (checked at the handshake) or come without and use another credential.</summary>
    Allow,

    /// <summary>Asked for and needed: a client without one fails the handshake.</summary>
    Require,
}

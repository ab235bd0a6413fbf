using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Authenticates the client certificate of the connection, which the TLS handshake already checked against
/// <see cref="ClientCertificateSettings.CaFile"/> (<see cref="Tls.ClientCertificateTrust"/>): the principal is its
/// subject CN, with the roles <see cref="ClientCertificateSettings.Roles"/> gives that name.
/// </summary>
internal sealed class ClientCertificateHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecurityOptions security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "client-certificate";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Connection.ClientCertificate is not { } certificate) return Task.FromResult(AuthenticateResult.NoResult());
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrWhiteSpace(name)) return Task.FromResult(AuthenticateResult.Fail("the client certificate names no subject CN"));
        var claims = new List<Claim> { new("sub", name) };
        if (security.ClientCertificates.Roles.TryGetValue(name, out var roles)) claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, "sub", "roles"));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

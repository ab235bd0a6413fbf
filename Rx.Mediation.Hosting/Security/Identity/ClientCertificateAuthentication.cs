using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.DependencyInjection;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Client certificates as a credential, through ASP.NET Core's certificate handler: it checks the connection's
/// certificate against <see cref="ClientCertificateSettings.CaFile"/> (<see cref="Tls.ClientCertificateAuthority.Trust"/>),
/// then the principal is the certificate's subject CN with the roles <see cref="ClientCertificateSettings.Roles"/> gives
/// that name (<see cref="NamedPrincipal"/>), as for an API key.
/// </summary>
internal static class ClientCertificateAuthentication
{
    public const string SchemeName = "client-certificate";

    public static AuthenticationBuilder AddClientCertificates(this AuthenticationBuilder authentication, ClientCertificateSettings settings)
    {
        if (!settings.IsOn) return authentication;
        var authority = Tls.ClientCertificateAuthority.Load(settings.CaFile!);
        return authentication.AddCertificate(SchemeName, options =>
        {
            authority.Trust(options);
            options.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = context =>
                {
                    Identify(context, settings.Roles);
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>Replaces the handler's principal (every name the certificate holds, as claims) with ours.</summary>
    private static void Identify(CertificateValidatedContext context, IReadOnlyDictionary<string, List<string>> roles)
    {
        var name = context.ClientCertificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrWhiteSpace(name))
        {
            context.Fail("the client certificate names no subject CN");
            return;
        }
        context.Principal = NamedPrincipal.Create(name, roles.TryGetValue(name, out var named) ? named : [], SchemeName);
        context.Success();
    }
}

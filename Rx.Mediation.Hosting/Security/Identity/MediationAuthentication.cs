using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// ASP.NET Core authentication for the entrypoints: one scheme that hands a JWT-shaped credential to the JwtBearer
/// handler and anything else to <see cref="ApiKeyHandler"/>, each reading the credential where <see cref="Credentials"/>
/// says; a request without such a credential on a connection with a client certificate goes to ASP.NET Core's
/// certificate handler (<see cref="ClientCertificateAuthentication"/>). Registered only when API keys, JWTs or client
/// certificates are configured; entrypoints then ask through <see cref="CallerAccess"/>.
/// </summary>
public static class MediationAuthentication
{
    public const string Scheme = "rx-mediation";

    public static void AddMediationAuthentication(this IServiceCollection services, SecurityOptions security)
    {
        if (!security.AuthenticationIsOn) return;
        var access = new CallerAccess(security);
        services.AddSingleton(access);
        // Rights follow reloads of the configuration; the rest of identity is read at start.
        services.AddHostedService(sp => new RightsReload(access, sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            sp.GetRequiredService<EntrypointRegistry>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RightsReload>>()));
        services.AddSingleton(security);
        services.AddSingleton(new Clients.ClientIdOwners(security.ClientIdHold));
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key, JWT or client certificate", policy => policy.ForwardDefaultSelector = context => Select(context, security))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, _ => { })
            .AddClientCertificates(security.ClientCertificates);
        if (security.Jwt.IsOn) authentication.AddJwtBearer(jwt => Configure(jwt, security));
    }

    /// <summary>A credential the request carries wins over the connection's certificate: it names who sends this request.</summary>
    private static string Select(Microsoft.AspNetCore.Http.HttpContext context, SecurityOptions security)
    {
        var credential = Credentials.From(context.Request, security);
        if (credential is null && security.ClientCertificates.IsOn && context.Connection.ClientCertificate is not null) return ClientCertificateAuthentication.SchemeName;
        return security.Jwt.IsOn && (credential is null || Credentials.LooksLikeJwt(credential) || security.ApiKeys.Count == 0)
            ? JwtBearerDefaults.AuthenticationScheme
            : ApiKeyHandler.SchemeName;
    }

    private static void Configure(JwtBearerOptions jwt, SecurityOptions security)
    {
        var settings = security.Jwt;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = settings.Issuer,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = SigningKeys(settings),
            ClockSkew = settings.ClockSkew,
            NameClaimType = settings.NameClaim,
            RoleClaimType = settings.RoleClaim,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                context.Token = Credentials.From(context.Request, security);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The configured symmetric keys and the JWKS file's keys; validated before (<see cref="SecurityOptions.Validate"/>).</summary>
    internal static List<SecurityKey> SigningKeys(JwtSettings settings)
    {
        var keys = new List<SecurityKey>(settings.SigningKeys.Select(k => new SymmetricSecurityKey(Convert.FromBase64String(k))));
        if (settings.JwksFile is { } file) keys.AddRange(new JsonWebKeySet(File.ReadAllText(file)).GetSigningKeys());
        return keys;
    }
}

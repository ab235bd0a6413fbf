namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// JWT bearer tokens (<c>Mediation:Security:Jwt</c>), validated by ASP.NET Core's JwtBearer handler: signature,
/// issuer, audience and lifetime, with <see cref="ClockSkew"/> of tolerance. Keys come from the configuration
/// (<see cref="SigningKeys"/>, symmetric) or a local JWKS file (<see cref="JwksFile"/>); nothing is fetched.
/// </summary>
public sealed class JwtSettings
{
    /// <summary>The <c>iss</c> every token must carry; required when JWTs are on.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> every token must carry; required when JWTs are on.</summary>
    public string? Audience { get; set; }

    /// <summary>HMAC keys (HS256/384/512), base64, at least 32 bytes each.</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>A JSON Web Key Set file (RSA or EC public keys), read at start.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c> for clocks that disagree.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The claim that names the principal.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>The claim holding the principal's roles (one value or several).</summary>
    public string RoleClaim { get; set; } = "roles";

    public bool IsOn => Issuer is not null || Audience is not null || SigningKeys.Count > 0 || JwksFile is not null;
}

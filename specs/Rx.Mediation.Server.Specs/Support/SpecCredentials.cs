using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>API keys and JWTs for a secured server in specs: the settings that configure them, and requests that carry them.</summary>
public static class SpecCredentials
{
    public const string Issuer = "https://issuer.example";
    public const string Audience = "rx-mediation";
    public static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The settings for API-key client <paramref name="name"/> with <paramref name="key"/> and one role.</summary>
    public static string[] ApiKey(string name, string key, string role) =>
    [
        $"--Mediation:Security:ApiKeys:{name}:KeyHash=sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}",
        $"--Mediation:Security:ApiKeys:{name}:Roles:0={role}",
    ];

    /// <summary>The settings for JWTs signed with <see cref="SigningKey"/>.</summary>
    public static string[] JwtIssuer() =>
    [
        $"--Mediation:Security:Jwt:Issuer={Issuer}",
        $"--Mediation:Security:Jwt:Audience={Audience}",
        $"--Mediation:Security:Jwt:SigningKeys:0={Convert.ToBase64String(SigningKey)}",
    ];

    /// <summary>
    /// A JWT for <paramref name="subject"/> with one role, signed with <see cref="SigningKey"/> unless given another
    /// <paramref name="key"/>, valid for 10 minutes until <paramref name="expires"/> (5 minutes from now by default).
    /// </summary>
    public static string Jwt(string subject, string role = "users", byte[]? key = null, DateTime? expires = null, string issuer = Issuer, IEnumerable<Claim>? claims = null)
    {
        var until = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("roles", role), .. claims ?? []]),
            NotBefore = until.AddMinutes(-10),
            Expires = until,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>POSTs <paramref name="body"/> on <paramref name="topic"/> as <paramref name="credential"/>, addressed to <paramref name="clientId"/> when given.</summary>
    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string topic, string? credential, string body = "x", string? clientId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={Uri.EscapeDataString(topic)}") { Content = new StringContent(body) };
        if (credential is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        if (clientId is not null) request.Headers.Add("X-Client-Id", clientId);
        return http.SendAsync(request);
    }
}

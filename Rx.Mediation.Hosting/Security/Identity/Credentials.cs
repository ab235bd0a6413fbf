using Microsoft.AspNetCore.Http;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Where a client's credential (an API key or a JWT, told apart by shape) is taken from, first found wins:
/// <c>Authorization: Bearer …</c>; the query parameter <see cref="SecurityOptions.CredentialQuery"/> (for browsers'
/// <c>EventSource</c> and <c>WebSocket</c>, which cannot set headers); the cookie <see cref="SecurityOptions.CredentialCookie"/>.
/// </summary>
public static class Credentials
{
    public static string? From(HttpRequest request, SecurityOptions security)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return NonEmpty(authorization["Bearer ".Length..]);
        if (security.CredentialQuery is { Length: > 0 } query && NonEmpty(request.Query[query].ToString()) is { } fromQuery) return fromQuery;
        if (security.CredentialCookie is { Length: > 0 } cookie && request.Cookies.TryGetValue(cookie, out var fromCookie)) return NonEmpty(fromCookie);
        return null;
    }

    /// <summary>Three dot-separated parts: a JWT (an API key is one opaque token).</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

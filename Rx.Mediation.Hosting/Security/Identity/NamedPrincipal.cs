using System.Security.Claims;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// The principal of a credential whose owner is named in our settings (an API key's client, a client certificate's
/// CN): the name as <c>sub</c>, each role as <c>roles</c>, and no other claim, so rights and claim headers treat both
/// credentials alike and a JWT's default claim names (<see cref="JwtSettings"/>) mean the same.
/// </summary>
internal static class NamedPrincipal
{
    public static ClaimsPrincipal Create(string name, IEnumerable<string> roles, string scheme)
    {
        var claims = new List<Claim> { new("sub", name) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, "sub", "roles"));
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// Authenticates an API key: its SHA-256 is compared, in constant time, with every configured client's hash (all of
/// them, so the time taken does not tell which were close). The principal is the client's name, with its roles.
/// </summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecurityOptions security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-key";

    private readonly (string Name, byte[] Hash, List<string> Roles)[] _clients =
        [.. security.ApiKeys.Select(c => (c.Key, SecurityOptions.ParseKeyHash(c.Value.KeyHash)!, c.Value.Roles))];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Credentials.From(Request, security) is not { } credential) return Task.FromResult(AuthenticateResult.NoResult());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(credential));
        string? found = null;
        List<string>? roles = null;
        foreach (var client in _clients)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, client.Hash) && found is null) (found, roles) = (client.Name, client.Roles);
        }
        if (found is null) return Task.FromResult(AuthenticateResult.Fail("the API key is not known"));
        var principal = NamedPrincipal.Create(found, roles!, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

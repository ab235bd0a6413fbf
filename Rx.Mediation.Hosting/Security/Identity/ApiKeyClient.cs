namespace Rx.Mediation.Hosting.Security.Identity;

/// <summary>
/// One client known by an API key (<c>Mediation:Security:ApiKeys:{name}</c>). The key itself is never configured:
/// only its SHA-256 hash, so a leaked configuration file does not hand out keys.
/// </summary>
public sealed class ApiKeyClient
{
    /// <summary><c>sha256:</c> and the 64 hex digits of the key's SHA-256 (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string KeyHash { get; set; } = "";

    /// <summary>Roles the client has, each naming an entry of <see cref="SecurityOptions.Rights"/>.</summary>
    public List<string> Roles { get; set; } = [];
}

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Section <c>Mediation:Security</c> (in a configuration file, <c>server: security:</c>): which <c>Host</c> names the
/// server answers (against DNS rebinding) and which browser origins may reach it (against cross-site WebSocket
/// hijacking and cross-site POSTs). docs/security.md.
/// </summary>
public sealed class BrowserSafetyOptions
{
    /// <summary>
    /// Host names the server answers (a leading <c>*.</c> takes subdomains, <c>*</c> any). Empty: the loopback names
    /// (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) and the host of <c>Mediation:Url</c>; a URL bound to every
    /// address (<c>0.0.0.0</c>, <c>[::]</c>) then takes any name, since the server cannot know its public ones.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) whose pages may POST, read SSE and poll answers (they get CORS headers),
    /// and open WebSockets. The server's own origin is always allowed; loopback origins may open WebSockets too.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate(string section)
    {
        foreach (var host in AllowedHosts.Where(h => string.IsNullOrWhiteSpace(h) || h.Contains('/') || h.Contains(' ')))
            yield return $"{section}:AllowedHosts '{host}' is not a host name (e.g. gateway.example.com or *.example.com)";
        foreach (var origin in AllowedOrigins.Where(o => o != "null" && Origins.Normalize(o) is null))
            yield return $"{section}:AllowedOrigins '{origin}' is not an origin (scheme://host[:port], e.g. https://app.example.com)";
    }
}

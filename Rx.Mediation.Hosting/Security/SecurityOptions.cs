namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Section <c>Mediation:Security</c> (in a configuration file, <c>server: security:</c>): whether the server may run
/// open to anonymous clients beyond loopback, which <c>Host</c> names it answers (against DNS rebinding) and which
/// browser origins may reach it (against cross-site WebSocket hijacking and cross-site POSTs). docs/security.md.
/// </summary>
public sealed class SecurityOptions
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

    /// <summary>
    /// Lets the server listen on an address other than loopback although it cannot tell its clients apart (it has no
    /// authentication yet): everyone who reaches it may publish and subscribe to every topic. Off: such a listener
    /// stops the start with one line saying so, as Redis's protected mode does.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Streaming connections (WebSocket and SSE clients) the server holds at most, all entrypoints together.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Streaming connections one client address holds at most (behind a proxy, set the proxy's share).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>POSTs one client address may make per second (a token bucket); 0, the default, leaves them unlimited.</summary>
    public int PostsPerSecondPerAddress { get; set; }

    /// <summary>How many POSTs an address may make at once before the rate applies; 0: twice the rate.</summary>
    public int PostBurstPerAddress { get; set; }

    /// <summary>Messages one WebSocket connection may send per second (a token bucket, burst twice the rate); 0, the default, leaves them unlimited.</summary>
    public int WebSocketMessagesPerSecond { get; set; }

    /// <summary>The bucket for one WebSocket connection, or null when unlimited; replenished by its owner (no timer per connection).</summary>
    public System.Threading.RateLimiting.TokenBucketRateLimiter? WebSocketMessageBucket() => WebSocketMessagesPerSecond <= 0 ? null : new(new()
    {
        TokenLimit = 2 * WebSocketMessagesPerSecond,
        TokensPerPeriod = WebSocketMessagesPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    /// <summary>Why the server must not listen on <paramref name="url"/> as configured, or null.</summary>
    public string? ProtectedModeProblem(string url, string urlSetting)
    {
        if (AllowAnonymous || IsLoopback(url)) return null;
        return $"{urlSetting} listens on {new Uri(url).Host}, beyond loopback, and the server cannot authenticate clients yet: anyone who reaches it "
               + "could publish and subscribe to every topic. Bind it to 127.0.0.1, or set Mediation:Security:AllowAnonymous=true "
               + "(server: security: allow-anonymous: true) to run it open anyway, behind a proxy that authenticates (docs/security.md)";
    }

    /// <summary>Whether <paramref name="url"/> listens on loopback only (localhost or a loopback address).</summary>
    public static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Host is "localhost" || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address)));

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate(string section)
    {
        foreach (var host in AllowedHosts.Where(h => string.IsNullOrWhiteSpace(h) || h.Contains('/') || h.Contains(' ')))
            yield return $"{section}:AllowedHosts '{host}' is not a host name (e.g. gateway.example.com or *.example.com)";
        foreach (var origin in AllowedOrigins.Where(o => o != "null" && Origins.Normalize(o) is null))
            yield return $"{section}:AllowedOrigins '{origin}' is not an origin (scheme://host[:port], e.g. https://app.example.com)";
        if (MaxConnections < 1) yield return $"{section}:MaxConnections must be at least 1, got {MaxConnections}";
        if (PostsPerSecondPerAddress < 0) yield return $"{section}:PostsPerSecondPerAddress must not be negative (0: unlimited), got {PostsPerSecondPerAddress}";
        if (WebSocketMessagesPerSecond < 0) yield return $"{section}:WebSocketMessagesPerSecond must not be negative (0: unlimited), got {WebSocketMessagesPerSecond}";
        if (PostBurstPerAddress < 0) yield return $"{section}:PostBurstPerAddress must not be negative (0: twice the rate), got {PostBurstPerAddress}";
        if (MaxConnectionsPerAddress < 1) yield return $"{section}:MaxConnectionsPerAddress must be at least 1, got {MaxConnectionsPerAddress}";
    }
}

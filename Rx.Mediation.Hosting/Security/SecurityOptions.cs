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
    /// Origins by web entrypoint, named as routes name it (<c>http</c>, <c>ws</c>, <c>sse</c>, <c>poll</c> by default, or
    /// a configuration file's entrypoints): an entrypoint listed here takes its own list instead of
    /// <see cref="AllowedOrigins"/>, so a dashboard's origin may POST without being let into WebSockets.
    /// </summary>
    public Dictionary<string, List<string>> Origins { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Lets in callers without a credential. Without authentication configured: lets the server listen beyond loopback
    /// open to everyone (off: such a listener stops the start with one line, as Redis's protected mode does). With
    /// authentication: anonymous callers are let in with the rights of the <c>anonymous</c> entry of <see cref="Rights"/>.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Clients known by an API key, by name (the principal's name): docs/security.md.</summary>
    public Dictionary<string, Identity.ApiKeyClient> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>JWT bearer tokens: issuer, audience, keys.</summary>
    public Identity.JwtSettings Jwt { get; set; } = new();

    /// <summary>Client certificates at the TLS handshake of the https:// listeners: mode, authority, roles by CN.</summary>
    public Identity.ClientCertificateSettings ClientCertificates { get; set; } = new();

    /// <summary>
    /// Publish and subscribe filters by principal name, role, <c>*</c> (every authenticated caller) or <c>anonymous</c>.
    /// Empty: every authenticated caller may publish and subscribe to everything.
    /// </summary>
    public Dictionary<string, Identity.TopicRightsSettings> Rights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Claims copied into each published event as <c>principal-{claim}</c> headers (the name always goes in <c>principal</c>).</summary>
    public List<string> ClaimHeaders { get; set; } = [];

    /// <summary>The query parameter a credential may come in (for EventSource and WebSocket in browsers); empty: none.</summary>
    public string CredentialQuery { get; set; } = "access_token";

    /// <summary>A cookie a credential may come in (set it SameSite=Strict, HttpOnly, Secure); none by default.</summary>
    public string? CredentialCookie { get; set; }

    /// <summary>
    /// How long a principal keeps its client id after its last connection with it closed, so no other principal can take
    /// it meanwhile (docs/security.md#client-ids).
    /// </summary>
    public TimeSpan ClientIdHold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a WebSocket opened without a credential has to send it as its first message
    /// (<c>{"type":"auth","token":…}</c>); zero: no such message is waited for, and the upgrade is answered 401.
    /// </summary>
    public TimeSpan WebSocketAuthTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether API keys, JWTs or client certificates are configured: callers are then authenticated at every entrypoint.</summary>
    public bool AuthenticationIsOn => ApiKeys.Count > 0 || Jwt.IsOn || ClientCertificates.IsOn;

    /// <summary>Streaming connections (WebSocket and SSE clients) the server holds at most, all entrypoints together.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Streaming connections one client address holds at most (behind a proxy, set the proxy's share).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>Streaming connections one authenticated principal holds at most, from whatever addresses; 0: no bound per principal.</summary>
    public int MaxConnectionsPerPrincipal { get; set; } = 1_000;

    /// <summary>POSTs one client address may make per second (a token bucket); 0, the default, leaves them unlimited.</summary>
    public int PostsPerSecondPerAddress { get; set; }

    /// <summary>How many POSTs an address may make at once before the rate applies; 0: twice the rate.</summary>
    public int PostBurstPerAddress { get; set; }

    /// <summary>POSTs one authenticated principal may make per second, from any address (a token bucket); 0, the default, leaves them unlimited.</summary>
    public int PostsPerSecondPerPrincipal { get; set; }

    /// <summary>How many POSTs a principal may make at once before the rate applies; 0: twice the rate.</summary>
    public int PostBurstPerPrincipal { get; set; }

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
        if (AllowAnonymous || AuthenticationIsOn || IsLoopback(url)) return null;
        return $"{urlSetting} listens on {new Uri(url).Host}, beyond loopback, and no authentication is configured: anyone who reaches it "
               + "could publish and subscribe to every topic. Configure Mediation:Security:ApiKeys, Mediation:Security:Jwt or Mediation:Security:ClientCertificates, bind it to 127.0.0.1, "
               + "or set Mediation:Security:AllowAnonymous=true (server: security: allow-anonymous: true) to run it open anyway, behind a proxy that authenticates (docs/security.md)";
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
        foreach (var origin in AllowedOrigins.Where(o => o != "null" && Security.Origins.Normalize(o) is null))
            yield return $"{section}:AllowedOrigins '{origin}' is not an origin (scheme://host[:port], e.g. https://app.example.com)";
        foreach (var (entrypoint, origins) in Origins)
        {
            for (var i = 0; i < origins.Count; i++)
            {
                if (origins[i] != "null" && Security.Origins.Normalize(origins[i] ?? "") is null)
                    yield return $"{section}:Origins:{entrypoint}:{i} '{origins[i]}' is not an origin (scheme://host[:port], e.g. https://app.example.com)";
            }
        }
        if (MaxConnections < 1) yield return $"{section}:MaxConnections must be at least 1, got {MaxConnections}";
        if (PostsPerSecondPerAddress < 0) yield return $"{section}:PostsPerSecondPerAddress must not be negative (0: unlimited), got {PostsPerSecondPerAddress}";
        if (WebSocketMessagesPerSecond < 0) yield return $"{section}:WebSocketMessagesPerSecond must not be negative (0: unlimited), got {WebSocketMessagesPerSecond}";
        if (PostBurstPerAddress < 0) yield return $"{section}:PostBurstPerAddress must not be negative (0: twice the rate), got {PostBurstPerAddress}";
        if (PostsPerSecondPerPrincipal < 0) yield return $"{section}:PostsPerSecondPerPrincipal must not be negative (0: unlimited), got {PostsPerSecondPerPrincipal}";
        if (PostBurstPerPrincipal < 0) yield return $"{section}:PostBurstPerPrincipal must not be negative (0: twice the rate), got {PostBurstPerPrincipal}";
        if (MaxConnectionsPerAddress < 1) yield return $"{section}:MaxConnectionsPerAddress must be at least 1, got {MaxConnectionsPerAddress}";
        if (MaxConnectionsPerPrincipal < 0) yield return $"{section}:MaxConnectionsPerPrincipal must not be negative (0: no bound per principal), got {MaxConnectionsPerPrincipal}";
        foreach (var (name, client) in ApiKeys)
        {
            if (ParseKeyHash(client.KeyHash) is null)
                yield return $"{section}:ApiKeys:{name}:KeyHash must be 'sha256:' and 64 hex digits (the key's SHA-256, e.g. printf %s \"$KEY\" | sha256sum), got a value of {client.KeyHash?.Length ?? 0} characters (not shown: it may be the key itself)";
        }
        foreach (var problem in JwtProblems($"{section}:Jwt")) yield return problem;
        foreach (var problem in ClientCertificates.Validate($"{section}:ClientCertificates")) yield return problem;
        foreach (var problem in RightsProblems(section, Rights)) yield return problem;
        if (ClientIdHold < TimeSpan.Zero) yield return $"{section}:ClientIdHold must not be negative, got {ClientIdHold}";
        if (WebSocketAuthTimeout < TimeSpan.Zero) yield return $"{section}:WebSocketAuthTimeout must not be negative (0: no first-message credential), got {WebSocketAuthTimeout}";
        if (string.IsNullOrWhiteSpace(CredentialQuery) is false && CredentialQuery.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-')))
            yield return $"{section}:CredentialQuery must be a plain parameter name, got '{CredentialQuery}'";
    }

    /// <summary>
    /// Every problem of <paramref name="rights"/> (the <c>Rights</c> of <paramref name="section"/>), each naming its key:
    /// checked at start and again for each reload of them (<see cref="Identity.RightsReload"/>).
    /// </summary>
    public static IEnumerable<string> RightsProblems(string section, IReadOnlyDictionary<string, Identity.TopicRightsSettings> rights)
    {
        foreach (var (key, entry) in rights)
        {
            foreach (var (list, filters) in new[] { ("Publish", entry.Publish), ("Subscribe", entry.Subscribe) })
            {
                for (var i = 0; i < filters.Count; i++)
                {
                    // Placeholders stand for one level; any value stands in for checking the filter's shape.
                    var shape = System.Text.RegularExpressions.Regex.Replace(filters[i] ?? "", "\\{[A-Za-z0-9_.:-]+\\}", "x");
                    if (!Topics.TopicPattern.TryParse(shape, out _, out var error) || shape.Contains('{') || shape.Contains('}'))
                        yield return $"{section}:Rights:{key}:{list}:{i} '{filters[i]}' is not a topic filter with {{placeholders}} ({error ?? "a placeholder is {name}, {client_id} or a claim's name in braces, e.g. {sub}: letters, digits, '_', '.', ':' and '-'"})";
                }
            }
            for (var i = 0; i < entry.Address.Count; i++)
            {
                if (Identity.ClientIdPattern.Problem(entry.Address[i]) is { } problem)
                    yield return $"{section}:Rights:{key}:Address:{i} '{entry.Address[i]}' is not a client-id pattern with * and {{placeholders}} ({problem})";
            }
        }
    }

    /// <summary>Each key of <see cref="Origins"/> that names no web entrypoint, with the names there are.</summary>
    public IEnumerable<string> EntrypointProblems(string section, IReadOnlyCollection<string> entrypoints)
    {
        var known = string.Join(", ", entrypoints);
        foreach (var name in Origins.Keys.Where(n => !entrypoints.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            yield return $"{section}:Origins:{name} names no web entrypoint: "
                         + (entrypoints.Count == 0 ? "there are none" : $"the entrypoints are {known}");
        }
    }

    /// <summary>The 32 bytes of a <c>sha256:hex</c> key hash, or null when it is not one.</summary>
    public static byte[]? ParseKeyHash(string? text)
    {
        const string prefix = "sha256:";
        if (text is null || !text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || text.Length != prefix.Length + 64) return null;
        try
        {
            return Convert.FromHexString(text.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private IEnumerable<string> JwtProblems(string section)
    {
        if (!Jwt.IsOn) yield break;
        if (string.IsNullOrWhiteSpace(Jwt.Issuer)) yield return $"{section}:Issuer is required when JWTs are configured (the 'iss' tokens must carry)";
        if (string.IsNullOrWhiteSpace(Jwt.Audience)) yield return $"{section}:Audience is required when JWTs are configured (the 'aud' tokens must carry)";
        if (Jwt.SigningKeys.Count == 0 && Jwt.JwksFile is null) yield return $"{section}: SigningKeys or JwksFile is required to check tokens' signatures";
        for (var i = 0; i < Jwt.SigningKeys.Count; i++)
        {
            var bytes = new byte[Jwt.SigningKeys[i].Length];
            if (!Convert.TryFromBase64String(Jwt.SigningKeys[i], bytes, out var length)) yield return $"{section}:SigningKeys:{i} is not base64 (the value is not shown)";
            else if (length < 32) yield return $"{section}:SigningKeys:{i} must be at least 32 bytes (256 bits) for HMAC, got {length}";
        }
        if (Jwt.JwksFile is { } file)
        {
            string? problem = null;
            try
            {
                if (new Microsoft.IdentityModel.Tokens.JsonWebKeySet(File.ReadAllText(file)).GetSigningKeys().Count == 0) problem = "holds no signing key";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException)
            {
                problem = $"cannot be read as a JSON Web Key Set ({ex.GetType().Name})";
            }
            if (problem is not null) yield return $"{section}:JwksFile '{file}' {problem}";
        }
        if (Jwt.ClockSkew < TimeSpan.Zero) yield return $"{section}:ClockSkew must not be negative, got {Jwt.ClockSkew}";
    }
}

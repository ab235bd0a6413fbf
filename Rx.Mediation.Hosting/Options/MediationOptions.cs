namespace Rx.Mediation.Hosting.Options;

/// <summary>
/// The server's configuration, section <c>Mediation</c> (appsettings.json, then environment variables such as
/// <c>Mediation__Sse__HeartbeatInterval</c>, then the command line such as <c>--Mediation:Url=http://127.0.0.1:9000</c>).
/// Defaults are the embedded configuration: memory broker, ingress [http, ws] → memory, egress memory → [sse, ws, poll].
/// </summary>
public sealed class MediationOptions
{
    public const string Section = "Mediation";

    /// <summary>The shared listener. Port 0 picks a free port (tests). https:// needs a certificate (<see cref="Tls"/>).</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// A second listener, https:// only, beside <see cref="Url"/>: the same entrypoints over TLS, with the certificate
    /// of <see cref="Tls"/> (and client certificates, when asked for). None by default.
    /// </summary>
    public string? HttpsUrl { get; set; }

    /// <summary>The certificate and key of the https:// listeners, from PEM files (docs/security.md#tls).</summary>
    public Security.Tls.TlsOptions Tls { get; set; } = new();

    /// <summary>How long stopping waits for accepted events to leave the routes' bridges.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long streaming clients get, at shutdown, to receive what is queued for them before they are cut off.</summary>
    public TimeSpan ClientCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often drops and failures are summarised in the log.</summary>
    public TimeSpan DropLogInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>With a configuration file: how long it must stay unchanged before it is reloaded (editors write in several steps).</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(250);

    public HttpEntrypointOptions Http { get; set; } = new();

    public WebSocketEntrypointOptions WebSocket { get; set; } = new();

    public SseEntrypointOptions Sse { get; set; } = new();

    public PollEntrypointOptions Poll { get; set; } = new();

    public MemoryEndpointOptions Memory { get; set; } = new();

    /// <summary>The packet log: one JSON line per event and stage on stdout (docs/operations/packet-log.md).</summary>
    public Operations.PacketLog.PacketLogOptions PacketLog { get; set; } = new();

    /// <summary>The admin API (/admin) and the dashboard (/ui): on, loopback clients only, unless a key lets remote ones in.</summary>
    public Admin.AdminOptions Admin { get; set; } = new();

    /// <summary>GET /metrics (Prometheus text format) and the optional OTLP export (docs/operations/metrics.md).</summary>
    public Operations.Metrics.MetricsOptions Metrics { get; set; } = new();

    /// <summary>Allowed Host names and browser origins (docs/security.md).</summary>
    public Security.SecurityOptions Security { get; set; } = new();

    /// <summary>Routes by name. Configuration adds routes or changes these; <c>Enabled=false</c> removes one.</summary>
    public Dictionary<string, RouteOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ingress"] = new RouteOptions { Sources = "http, ws", Targets = "memory" },
        ["egress"] = new RouteOptions { Sources = "memory", Targets = "sse, ws, poll" },
    };

    /// <summary>The settings a configuration file's <c>server:</c> section may hold (the rest has sections of its own there).</summary>
    public static IReadOnlyCollection<string> ServerSection { get; } =
        [nameof(Url), nameof(HttpsUrl), nameof(Tls), nameof(DrainTimeout), nameof(ClientCloseTimeout), nameof(DropLogInterval), nameof(ReloadDebounce), nameof(PacketLog), nameof(Admin), nameof(Metrics), nameof(Security)];

    /// <summary>Every problem in the configuration, each naming its key.</summary>
    /// <param name="listening">
    /// Whether these are the settings the server will listen with (all sources together): only then does protected
    /// mode apply, since another source may still allow anonymous callers or configure authentication.
    /// </param>
    /// <param name="entrypoints">
    /// The names of the web entrypoints the server runs, which <c>Security:Origins</c> may name: a configuration
    /// file's; null: the enabled ones of these options (http, ws, sse, poll).
    /// </param>
    public IReadOnlyList<string> Validate(bool listening = true, IReadOnlyCollection<string>? entrypoints = null)
    {
        var errors = new List<string>();
        if (Hosting.ListenAddress.Problem(Url) is { } problem) errors.Add($"{Section}:Url {problem}");
        if (DrainTimeout < TimeSpan.Zero) errors.Add($"{Section}:DrainTimeout must not be negative, got {DrainTimeout}");
        if (ClientCloseTimeout < TimeSpan.Zero) errors.Add($"{Section}:ClientCloseTimeout must not be negative, got {ClientCloseTimeout}");
        if (DropLogInterval <= TimeSpan.Zero) errors.Add($"{Section}:DropLogInterval must be positive, got {DropLogInterval}");
        if (ReloadDebounce < TimeSpan.Zero) errors.Add($"{Section}:ReloadDebounce must not be negative, got {ReloadDebounce}");
        errors.AddRange(Http.Validate($"{Section}:Http"));
        errors.AddRange(WebSocket.Validate($"{Section}:WebSocket"));
        errors.AddRange(Sse.Validate($"{Section}:Sse"));
        errors.AddRange(Poll.Validate($"{Section}:Poll"));
        errors.AddRange(PacketLog.Validate($"{Section}:PacketLog"));
        errors.AddRange(Admin.Validate($"{Section}:Admin"));
        errors.AddRange(Metrics.Validate($"{Section}:Metrics"));
        errors.AddRange(Security.Validate($"{Section}:Security"));
        if (HttpsUrl is not null && Hosting.ListenAddress.HttpsProblem(HttpsUrl) is { } httpsProblem) errors.Add($"{Section}:HttpsUrl {httpsProblem}");
        errors.AddRange(Tls.Validate($"{Section}:Tls"));
        var webEntrypoints = new EntrypointOptions[] { Http, WebSocket, Sse, Poll };
        errors.AddRange(Security.EntrypointProblems($"{Section}:Security", entrypoints ?? [.. webEntrypoints.Where(e => e.Enabled).Select(e => e.Name)]));
        if (listening) errors.AddRange(ListenerProblems());
        var paths = webEntrypoints.Where(e => e.Enabled)
            .GroupBy(e => (e.Path, e.Port)).Where(g => g.Count() > 1);
        foreach (var clash in paths) errors.Add($"{Section}: entrypoints {string.Join(", ", clash.Select(e => e.Name))} share the path '{clash.Key.Path}'");
        return errors;
    }

    /// <summary>The listeners as configured: https:// ones beside http:// ones.</summary>
    public IEnumerable<(string Url, string Setting)> Listeners()
    {
        yield return (Url, $"{Section}:Url");
        if (HttpsUrl is not null) yield return (HttpsUrl, $"{Section}:HttpsUrl");
    }

    /// <summary>What only all the sources together can tell: protected mode on every listener, and TLS settings no listener uses.</summary>
    private IEnumerable<string> ListenerProblems()
    {
        var listeners = Listeners().Where(l => Hosting.ListenAddress.Problem(l.Url) is null).ToList();
        foreach (var (url, setting) in listeners)
        {
            if (Security.ProtectedModeProblem(url, setting) is { } open) yield return open;
        }
        // A listener that is not what its setting needs has its own error already.
        if (listeners.Any(l => Hosting.ListenAddress.IsHttps(l.Url)) || (HttpsUrl is not null && Hosting.ListenAddress.HttpsProblem(HttpsUrl) is not null)) yield break;
        if (Tls.IsOn)
            yield return $"{Section}:Tls:CertificateFile is set, but no listener uses TLS: set {Section}:HttpsUrl (server: https-url), e.g. https://127.0.0.1:8443, or make {Section}:Url https://";
        if (Security.ClientCertificates.IsOn)
            yield return $"{Section}:Security:ClientCertificates:Mode is {Security.ClientCertificates.Mode}, but no listener uses TLS: set {Section}:HttpsUrl (server: https-url) and {Section}:Tls";
    }
}

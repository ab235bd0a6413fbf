namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// <c>Mediation:Metrics</c> (or the file's <c>server: metrics:</c>): the Prometheus endpoint <c>GET /metrics</c> and the
/// optional OTLP export. Read at start. See docs/operations/metrics.md.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Mediation:Metrics";

    /// <summary>Whether <c>GET /metrics</c> is mapped (Prometheus text format). On by default: Prometheus scrapes remotely.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Guard <c>/metrics</c> with the admin API's access rule (loopback clients, or remote ones sending the admin key:
    /// <c>X-Admin-Key</c> or <c>Authorization: Bearer</c>, which Prometheus sends with <c>authorization: credentials</c>).
    /// Off by default: the metrics carry names of routes and nodes, no payloads.
    /// </summary>
    public bool RequireAdminKey { get; set; }

    public OtlpMetricsOptions Otlp { get; set; } = new();

    /// <summary>Every problem, each naming its key under <paramref name="section"/>.</summary>
    public IEnumerable<string> Validate(string section = Section)
    {
        if (!Otlp.IsEnabled) yield break;
        if (!Uri.TryCreate(Otlp.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            yield return $"{section}:Otlp:Endpoint must be an absolute http:// or https:// URL, got '{Otlp.Endpoint}'";
        if (!OtlpMetricsOptions.Protocols.Contains(Otlp.Protocol, StringComparer.OrdinalIgnoreCase))
            yield return $"{section}:Otlp:Protocol must be one of {string.Join(", ", OtlpMetricsOptions.Protocols)}, got '{Otlp.Protocol}'";
        if (Otlp.Interval <= TimeSpan.Zero) yield return $"{section}:Otlp:Interval must be positive, got {Otlp.Interval}";
        if (Otlp.Timeout <= TimeSpan.Zero) yield return $"{section}:Otlp:Timeout must be positive, got {Otlp.Timeout}";
        if (string.IsNullOrWhiteSpace(Otlp.ServiceName)) yield return $"{section}:Otlp:ServiceName must not be empty";
    }
}

/// <summary>OTLP export of the same instruments with OpenTelemetry's exporter: off until <see cref="Endpoint"/> is set.</summary>
public sealed class OtlpMetricsOptions
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    public static readonly IReadOnlyList<string> Protocols = [HttpProtobuf, Grpc];

    /// <summary>
    /// The collector: its base URL (<c>http://collector:4318</c> for http/protobuf, to which <c>/v1/metrics</c> is
    /// added; <c>http://collector:4317</c> for grpc), or, for http/protobuf, the full URL of the metrics path.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the default) or <c>grpc</c>.</summary>
    public string Protocol { get; set; } = HttpProtobuf;

    /// <summary>How often metrics are exported.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one export may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra request headers as <c>name=value</c> pairs separated by commas (e.g. an API key of the collector).</summary>
    public string? Headers { get; set; }

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "rx-mediation";

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The URL the exporter posts to: for http/protobuf a base URL gets <c>/v1/metrics</c>.</summary>
    public Uri ExportUri()
    {
        var endpoint = new Uri(Endpoint!, UriKind.Absolute);
        if (!string.Equals(Protocol, HttpProtobuf, StringComparison.OrdinalIgnoreCase) || endpoint.AbsolutePath.Trim('/').Length > 0) return endpoint;
        return new Uri(endpoint, "/v1/metrics");
    }
}

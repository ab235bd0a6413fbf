using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// Reads <c>server: metrics:</c> of the YAML configuration file, every problem reported at its line and column:
/// <code>
/// server:
///   metrics:
///     enabled: true                 # GET /metrics
///     require-admin-key: false
///     otlp: { endpoint: http://collector:4318, protocol: http/protobuf, interval: 15s, timeout: 10s, headers: "k=v", service-name: rx-mediation }
/// </code>
/// Part of the <c>server:</c> section, so a change needs a restart (like the listener).
/// </summary>
public static class MetricsConfigReader
{
    public const string Key = "metrics";

    private static readonly string[] Keys = ["enabled", "require-admin-key", "otlp"];
    private static readonly string[] OtlpKeys = ["endpoint", "protocol", "interval", "timeout", "headers", "service-name"];

    /// <summary>The section's settings, or null when <paramref name="server"/> has none.</summary>
    public static MetricsSettings? Read(YamlMap server)
    {
        var node = server.Get(Key);
        if (node is null) return null;
        var diagnostics = server.Diagnostics;
        const string what = "server: metrics";
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, $"{what} must be a mapping, e.g. '{{ enabled: true, otlp: {{ endpoint: http://collector:4318 }} }}' ({YamlMap.Kind(node)} found)");
            return null;
        }
        var map = new YamlMap(mapping, diagnostics, what, Keys);
        var settings = new MetricsSettings { Enabled = map.Bool("enabled"), RequireAdminKey = map.Bool("require-admin-key") };
        var otlp = map.Map("otlp", OtlpKeys);
        if (otlp is null) return settings;

        var endpoint = otlp.String("endpoint", required: true);
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            diagnostics.Error(otlp.Get("endpoint")!, $"{otlp.What}: 'endpoint' must be an absolute http:// or https:// URL, got '{endpoint}'");
            endpoint = null;
        }
        var protocol = otlp.String("protocol")?.Trim().ToLowerInvariant();
        if (protocol is not null && !OtlpMetricsOptions.Protocols.Contains(protocol))
        {
            diagnostics.Error(otlp.Get("protocol")!, $"{otlp.What}: 'protocol' must be one of {string.Join(", ", OtlpMetricsOptions.Protocols)}, got '{protocol}'");
            protocol = null;
        }
        var interval = Positive(otlp, "interval");
        var timeout = Positive(otlp, "timeout");
        var serviceName = otlp.String("service-name");
        if (serviceName is not null && string.IsNullOrWhiteSpace(serviceName))
        {
            diagnostics.Error(otlp.Get("service-name")!, $"{otlp.What}: 'service-name' must not be empty");
            serviceName = null;
        }
        return settings with
        {
            OtlpEndpoint = endpoint,
            OtlpProtocol = protocol,
            OtlpInterval = interval,
            OtlpTimeout = timeout,
            OtlpHeaders = otlp.String("headers"),
            OtlpServiceName = serviceName,
        };
    }

    private static TimeSpan? Positive(YamlMap map, string key)
    {
        var value = map.Duration(key);
        if (value is null || value > TimeSpan.Zero) return value;
        map.Diagnostics.Error(map.Get(key)!, $"{map.What}: '{key}' must be positive, got '{(map.Get(key) as YamlScalarNode)?.Value}'");
        return null;
    }
}

/// <summary>What the file's <c>server: metrics:</c> sets; unset values keep those of <c>Mediation:Metrics</c> (appsettings, environment).</summary>
public sealed record MetricsSettings
{
    public bool? Enabled { get; init; }

    public bool? RequireAdminKey { get; init; }

    public string? OtlpEndpoint { get; init; }

    public string? OtlpProtocol { get; init; }

    public TimeSpan? OtlpInterval { get; init; }

    public TimeSpan? OtlpTimeout { get; init; }

    public string? OtlpHeaders { get; init; }

    public string? OtlpServiceName { get; init; }

    public void ApplyTo(MetricsOptions options)
    {
        if (Enabled is { } enabled) options.Enabled = enabled;
        if (RequireAdminKey is { } guard) options.RequireAdminKey = guard;
        if (OtlpEndpoint is { } endpoint) options.Otlp.Endpoint = endpoint;
        if (OtlpProtocol is { } protocol) options.Otlp.Protocol = protocol;
        if (OtlpInterval is { } interval) options.Otlp.Interval = interval;
        if (OtlpTimeout is { } timeout) options.Otlp.Timeout = timeout;
        if (OtlpHeaders is { } headers) options.Otlp.Headers = headers;
        if (OtlpServiceName is { } name) options.Otlp.ServiceName = name;
    }
}

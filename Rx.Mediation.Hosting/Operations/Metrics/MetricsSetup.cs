using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// Registers the server's instruments, the <c>GET /metrics</c> endpoint (Prometheus text format, written by
/// <see cref="PrometheusText"/> over a <see cref="MetricsCollector"/>) and the optional OTLP export.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    public static IServiceCollection AddMediationMetrics(this IServiceCollection services, MetricsOptions options)
    {
        // Validated with the rest of the options (MediationOptions.Validate).
        services.AddMetrics();
        services.AddSingleton(options);
        services.AddSingleton(sp => new ServerMetrics(
            sp.GetRequiredService<MediationEngine>(), sp.GetRequiredService<EntrypointRegistry>(), sp.GetRequiredService<IMeterFactory>(), sp.GetService<ConfigStatus>(),
            sp.GetService<Security.ConnectionLimiter>(), sp.GetService<Security.PostRateLimiter>()));
        services.AddSingleton(sp =>
        {
            var own = sp.GetRequiredService<ServerMetrics>().Meter;
            // Read before listening starts, so the latency histogram exists by then and is published once.
            var shared = MediationMeter.DeliveryLatency.Meter;
            // This server's instruments, and the process-wide latency histogram.
            return new MetricsCollector(i => ReferenceEquals(i.Meter, own) || ReferenceEquals(i.Meter, shared));
        });
        if (options.Otlp.IsEnabled)
        {
            services.AddHostedService(sp => new OtlpMetricsExport(
                options.Otlp, sp.GetRequiredService<ServerMetrics>(), sp.GetRequiredService<ILogger<OtlpMetricsExport>>()));
        }
        return services;
    }

    /// <summary>Creates the instruments (so OTLP sees them from the start) and maps <c>/metrics</c> when enabled.</summary>
    public static void MapMediationMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<MetricsOptions>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsSetup).FullName!);
        app.Services.GetRequiredService<ServerMetrics>();
        if (!options.Enabled)
        {
            log.LogInformation("Prometheus endpoint {Path} is disabled ({Section}:Enabled=false)", Path, MetricsOptions.Section);
            return;
        }
        var clash = app.Services.GetRequiredService<EntrypointRegistry>().Current
            .FirstOrDefault(e => e.Port is null && string.Equals(e.Path.TrimEnd('/'), Path, StringComparison.OrdinalIgnoreCase));
        if (clash is not null)
            throw new InvalidOperationException($"Invalid configuration: entrypoint '{clash.Name}' uses the path {Path}, which the server answers itself (set {MetricsOptions.Section}:Enabled=false, or move the entrypoint)");

        var collector = app.Services.GetRequiredService<MetricsCollector>();
        var access = options.RequireAdminKey ? app.Services.GetRequiredService<AdminAccess>() : null;
        app.MapGet(Path, async (HttpContext context) =>
        {
            if (access is not null && access.Check(context) is { IsAllowed: false } refused)
            {
                await AdminAccess.WriteAsync(context, refused);
                return;
            }
            var text = PrometheusText.Write(collector.Collect());
            context.Response.ContentType = PrometheusText.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(text, context.RequestAborted);
        }).WithDisplayName("metrics (Prometheus text format)");
        log.LogInformation("Prometheus metrics at {Path} ({Access})", Path, access is null ? "public" : "loopback clients, and remote clients sending the admin key");
    }
}

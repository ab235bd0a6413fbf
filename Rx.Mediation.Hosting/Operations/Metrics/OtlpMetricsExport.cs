using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// Exports the <see cref="MediationMeter.Name"/> instruments over OTLP with OpenTelemetry's exporter, every
/// <see cref="OtlpMetricsOptions.Interval"/>, cumulative; a last export is made when the server stops.
/// <para>OpenTelemetry matches meters by name, so in a process that runs several servers (tests) each export holds
/// the instruments of all of them; one server per process is the deployment this is for.</para>
/// </summary>
public sealed class OtlpMetricsExport(OtlpMetricsOptions options, ServerMetrics instruments, ILogger<OtlpMetricsExport> logger) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The instruments exist before the provider starts listening, so the first export has them all.
        _ = instruments.Meter;
        var endpoint = options.ExportUri();
        var grpc = string.Equals(options.Protocol, OtlpMetricsOptions.Grpc, StringComparison.OrdinalIgnoreCase);
        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .AddMeter(MediationMeter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                exporter.TimeoutMilliseconds = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
                if (!string.IsNullOrWhiteSpace(options.Headers)) exporter.Headers = options.Headers;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Min(int.MaxValue, options.Interval.TotalMilliseconds);
                reader.PeriodicExportingMetricReaderOptions.ExportTimeoutMilliseconds = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
            })
            .Build();
        logger.LogInformation("Exporting metrics over OTLP ({Protocol}) to {Endpoint} every {Interval}", grpc ? OtlpMetricsOptions.Grpc : OtlpMetricsOptions.HttpProtobuf, endpoint, options.Interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Shuts the provider down: its reader exports once more, then stops.</summary>
    public void Dispose()
    {
        var provider = Interlocked.Exchange(ref _provider, null);
        if (provider is null) return;
        if (!provider.Shutdown((int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds)))
            logger.LogWarning("The last OTLP metrics export to {Endpoint} did not complete", options.Endpoint);
        provider.Dispose();
    }
}

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>How an instrument is exposed: Prometheus' counter, gauge or histogram.</summary>
public enum MetricKind
{
    /// <summary>Monotonic (Counter, ObservableCounter): the exposed value is the running total.</summary>
    Counter,

    /// <summary>A value that goes up and down (Gauge, ObservableGauge, UpDownCounter, ObservableUpDownCounter).</summary>
    Gauge,

    Histogram,
}

/// <summary>One instrument's series at one collection, before it is named and written the Prometheus way.</summary>
/// <param name="Name">The instrument's name (OpenTelemetry style, e.g. <c>rx.mediation.route.events</c>).</param>
/// <param name="Unit">UCUM unit (<c>s</c>, <c>By</c>, <c>{event}</c>), or null.</param>
public sealed record MetricData(string Name, string? Unit, string? Description, MetricKind Kind, IReadOnlyList<MetricSeries> Series);

/// <summary>One tag set's value: <see cref="Value"/> for counters and gauges, <see cref="Histogram"/> for histograms.</summary>
public sealed record MetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramPoint? Histogram = null);

/// <summary>A histogram's state: per-bucket counts (not cumulative), one more than <see cref="Bounds"/> (the last is above every bound).</summary>
public sealed record HistogramPoint(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum, long Count);

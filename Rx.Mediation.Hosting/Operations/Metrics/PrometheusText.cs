using System.Globalization;
using System.Text;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// Writes metrics in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/):
/// <list type="bullet">
/// <item>names: the instrument's name with every character outside <c>[a-zA-Z0-9_:]</c> made <c>_</c>, then its unit
/// as a suffix (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; annotations such as <c>{event}</c> add nothing),
/// then <c>_total</c> for counters: <c>rx.mediation.route.events</c> → <c>rx_mediation_route_events_total</c>;</item>
/// <item><c># HELP</c> and <c># TYPE</c> once per family, before its samples; families sorted by name, series by labels;</item>
/// <item>label values escaped (backslash, double quote, line feed); help text escaped (backslash, line feed);</item>
/// <item>histograms as cumulative <c>_bucket{le="…"}</c> lines ending with <c>le="+Inf"</c> (equal to <c>_count</c>),
/// then <c>_sum</c> and <c>_count</c>.</item>
/// </list>
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricData> metrics)
    {
        var text = new StringBuilder(4096);
        Write(metrics, text);
        return text.ToString();
    }

    public static void Write(IEnumerable<MetricData> metrics, StringBuilder text)
    {
        // Instruments that come out under one name (the same name on two meters) are one family if of one kind;
        // a clash of kinds keeps the first (by instrument name), as a family has one type.
        var families = new SortedDictionary<string, Family>(StringComparer.Ordinal);
        foreach (var metric in metrics.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var name = MetricName(metric.Name, metric.Unit, metric.Kind);
            if (!families.TryGetValue(name, out var family)) families[name] = family = new Family(name, metric.Kind, metric.Description);
            else if (family.Kind != metric.Kind) continue;
            foreach (var series in metric.Series) family.Add(series);
        }
        foreach (var family in families.Values.Where(f => f.Series.Count > 0)) family.WriteTo(text);
    }

    /// <summary>The Prometheus metric name for an instrument (see the class summary).</summary>
    public static string MetricName(string instrument, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrument, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal)) name += "_" + suffix;
        if (kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    /// <summary>A valid label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>; a leading <c>__</c> (reserved) becomes one underscore.</summary>
    public static string LabelName(string name)
    {
        var label = Sanitize(name, allowColon: false);
        while (label.StartsWith("__", StringComparison.Ordinal)) label = label[1..];
        return label;
    }

    /// <summary>A label value inside double quotes: <c>\</c> → <c>\\</c>, <c>"</c> → <c>\"</c>, line feed → <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0) return value;
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '"': escaped.Append("\\\""); break;
                case '\n': escaped.Append(@"\n"); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }

    /// <summary><c># HELP</c> text: <c>\</c> → <c>\\</c>, line feed → <c>\n</c> (quotes stay as they are).</summary>
    public static string EscapeHelp(string help) => help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>A sample value as Go's ParseFloat reads it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, or the shortest round-trip form.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => "",
        _ when unit.StartsWith('{') => "",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "%" => "percent",
        _ => Sanitize(unit, allowColon: false).Trim('_').ToLowerInvariant(),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            // Runs of separators collapse: "a.-b" is a_b, not a__b.
            if (next == '_' && result.Length > 0 && result[^1] == '_' && !valid) continue;
            result.Append(next);
        }
        if (result.Length == 0 || char.IsAsciiDigit(result[0])) result.Insert(0, '_');
        return result.ToString();
    }

    private sealed class Family(string name, MetricKind kind, string? help)
    {
        public MetricKind Kind { get; } = kind;

        public SortedDictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);

        public void Add(MetricSeries series)
        {
            var labels = Labels(series.Labels);
            // One value per label set: a later instrument of the same name does not repeat a series.
            Series.TryAdd(labels, series);
        }

        public void WriteTo(StringBuilder text)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(string.IsNullOrWhiteSpace(help) ? name : help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var (labels, series) in Series)
            {
                if (Kind == MetricKind.Histogram) WriteHistogram(text, labels, series.Histogram ?? new HistogramPoint([], [0], 0, 0));
                else Sample(text, name, labels, null, FormatValue(series.Value));
            }
        }

        private void WriteHistogram(StringBuilder text, string labels, HistogramPoint histogram)
        {
            long cumulative = 0;
            for (var i = 0; i < histogram.Bounds.Count; i++)
            {
                cumulative += histogram.Counts[i];
                Sample(text, name + "_bucket", labels, FormatValue(histogram.Bounds[i]), cumulative.ToString(CultureInfo.InvariantCulture));
            }
            // +Inf is every observation: the count, even if a bucket was read a moment apart from it.
            Sample(text, name + "_bucket", labels, "+Inf", histogram.Count.ToString(CultureInfo.InvariantCulture));
            Sample(text, name + "_sum", labels, null, FormatValue(histogram.Sum));
            Sample(text, name + "_count", labels, null, histogram.Count.ToString(CultureInfo.InvariantCulture));
        }

        private static void Sample(StringBuilder text, string name, string labels, string? le, string value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null) text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
                text.Append('}');
            }
            text.Append(' ').Append(value).Append('\n');
        }

        /// <summary>The label pairs, sorted by name, as <c>a="x",b="y"</c>; a name that repeats after sanitising keeps its first value.</summary>
        private string Labels(IReadOnlyList<KeyValuePair<string, string>> labels)
        {
            if (labels.Count == 0) return "";
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pairs = new List<(string Name, string Value)>(labels.Count);
            foreach (var (key, value) in labels)
            {
                var label = LabelName(key);
                // A histogram's own 'le' label cannot be a tag too.
                if (Kind == MetricKind.Histogram && label == "le") label = "le_";
                if (seen.Add(label)) pairs.Add((label, value));
            }
            pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return string.Join(",", pairs.Select(p => $"{p.Name}=\"{EscapeLabelValue(p.Value)}\""));
        }
    }
}

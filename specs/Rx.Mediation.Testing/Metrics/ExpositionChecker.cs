using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Testing;

/// <summary>
/// An independent reader of the Prometheus text exposition format 0.0.4, strict about its rules, written from the
/// format's description (https://prometheus.io/docs/instrumenting/exposition_formats/) rather than from our writer:
/// <list type="bullet">
/// <item>every line ends with a line feed and is a <c># HELP</c>, a <c># TYPE</c>, another comment, or a sample;</item>
/// <item>metric names match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (no leading <c>__</c>);</item>
/// <item>at most one HELP and one TYPE per family, both before its first sample; a family's samples are one group;</item>
/// <item>label values are double-quoted with only <c>\\</c>, <c>\"</c> and <c>\n</c> as escapes; no label twice; no series twice;</item>
/// <item>values are floats, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>; counters are not negative;</item>
/// <item>histograms: per label set, <c>_bucket</c> lines with a <c>le</c>, increasing, cumulative counts never
/// decreasing, the last <c>le="+Inf"</c> equal to <c>_count</c>, and a <c>_sum</c> and a <c>_count</c>.</item>
/// </list>
/// Any violation throws, naming the line. The result gives the samples for assertions.
/// </summary>
public sealed partial class ExpositionChecker
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private ExpositionChecker(Dictionary<string, Family> families, List<Sample> samples)
    {
        Families = families;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, Family> Families { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static ExpositionChecker Check(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw Fail(0, "the exposition must end with a line feed");
        if (text.Contains('\r')) throw Fail(0, "lines end with \\n only");
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (line.Length == 0) throw Fail(number, "empty line (allowed by parsers, never written by us)");
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    if (!MetricName().IsMatch(name)) throw Fail(number, $"invalid metric name '{name}'");
                    var family = Get(families, name);
                    if (family.SampleCount > 0) throw Fail(number, $"{parts[1]} for '{name}' after its samples");
                    if (parts[1] == "HELP")
                    {
                        if (family.Help is not null) throw Fail(number, $"second HELP for '{name}'");
                        family.Help = UnescapeHelp(parts.Length > 3 ? parts[3] : "", number);
                    }
                    else
                    {
                        if (family.Type is not null) throw Fail(number, $"second TYPE for '{name}'");
                        if (parts.Length != 4 || !Types.Contains(parts[3])) throw Fail(number, $"TYPE must be one of {string.Join(", ", Types)}");
                        family.Type = parts[3];
                    }
                    Switch(ref current, name, finished, number);
                }
                continue;
            }

            var sample = ParseSample(line, number);
            var owner = Owner(families, sample.Name);
            if (owner is null) throw Fail(number, $"sample '{sample.Name}' has no # TYPE line before it");
            Switch(ref current, owner.Name, finished, number);
            if (owner.Type == "counter" && sample.Value < 0) throw Fail(number, "a counter cannot be negative");
            if (owner.Type == "histogram" && sample.Name == owner.Name) throw Fail(number, "a histogram's samples are _bucket, _sum and _count");
            if (owner.Series.Contains(sample.Name + sample.LabelKey)) throw Fail(number, $"series {sample.Name}{{{sample.LabelKey}}} appears twice");
            owner.Series.Add(sample.Name + sample.LabelKey);
            owner.SampleCount++;
            owner.Samples.Add(sample);
            samples.Add(sample);
        }
        foreach (var family in families.Values.Where(f => f.Type == "histogram")) CheckHistogram(family);
        return new ExpositionChecker(families, samples);
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels, or null.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        if (matching.Count > 1) throw new InvalidOperationException($"{matching.Count} samples match {name}");
        return matching.Count == 0 ? null : matching[0].Value;
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include these.</summary>
    public IEnumerable<Sample> Where(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    private static void Switch(ref string? current, string family, HashSet<string> finished, int number)
    {
        if (current == family) return;
        if (finished.Contains(family)) throw Fail(number, $"the lines of '{family}' are not one group");
        if (current is not null) finished.Add(current);
        current = family;
    }

    private static Family Get(Dictionary<string, Family> families, string name)
    {
        if (!families.TryGetValue(name, out var family)) families[name] = family = new Family(name);
        return family;
    }

    private static Family? Owner(Dictionary<string, Family> families, string sample)
    {
        if (families.TryGetValue(sample, out var exact) && exact.Type is not null) return exact;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sample[..^suffix.Length], out var histogram) && histogram.Type == "histogram")
                return histogram;
        }
        return null;
    }

    private static void CheckHistogram(Family family)
    {
        var groups = family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        foreach (var group in groups)
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw Fail(0, $"{family.Name}{{{group.Key}}} has no _count");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw Fail(0, $"{family.Name}{{{group.Key}}} has no _sum");
            if (buckets.Count == 0) throw Fail(0, $"{family.Name}{{{group.Key}}} has no buckets");
            var previousBound = double.NegativeInfinity;
            var previousCount = 0d;
            foreach (var bucket in buckets)
            {
                if (!bucket.Labels.TryGetValue("le", out var le)) throw Fail(bucket.Line, "a _bucket needs an 'le' label");
                var bound = ParseValue(le, bucket.Line);
                if (!(bound > previousBound)) throw Fail(bucket.Line, $"le={le} does not increase");
                if (bucket.Value < previousCount) throw Fail(bucket.Line, "bucket counts must be cumulative (never decreasing)");
                previousBound = bound;
                previousCount = bucket.Value;
            }
            if (!double.IsPositiveInfinity(previousBound)) throw Fail(buckets[^1].Line, "the last bucket must be le=\"+Inf\"");
            if (buckets[^1].Value != count.Value) throw Fail(count.Line, "the +Inf bucket must equal _count");
        }
    }

    private static Sample ParseSample(string line, int number)
    {
        var at = 0;
        while (at < line.Length && line[at] is not ('{' or ' ')) at++;
        var name = line[..at];
        if (!MetricName().IsMatch(name)) throw Fail(number, $"invalid metric name '{name}'");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (true)
            {
                if (at >= line.Length) throw Fail(number, "unterminated label set");
                if (line[at] == '}')
                {
                    at++;
                    break;
                }
                var start = at;
                while (at < line.Length && line[at] != '=') at++;
                var label = line[start..at];
                if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal)) throw Fail(number, $"invalid label name '{label}'");
                if (at + 1 >= line.Length || line[at + 1] != '"') throw Fail(number, $"label '{label}' needs a double-quoted value");
                at += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (at >= line.Length) throw Fail(number, $"unterminated value of label '{label}'");
                    var c = line[at++];
                    if (c == '"') break;
                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }
                    if (at >= line.Length) throw Fail(number, "a backslash ends the line");
                    value.Append(line[at++] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var other => throw Fail(number, $"invalid escape '\\{other}' in label '{label}'"),
                    });
                }
                if (!labels.TryAdd(label, value.ToString())) throw Fail(number, $"label '{label}' appears twice");
                if (at < line.Length && line[at] == ',') at++;
                else if (at < line.Length && line[at] != '}') throw Fail(number, "labels are separated by commas");
            }
        }
        if (at >= line.Length || line[at] != ' ') throw Fail(number, "a sample needs a space before its value");
        var rest = line[(at + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2) throw Fail(number, "a sample is: name, labels, value, optional timestamp");
        var sampleValue = ParseValue(rest[0], number);
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) throw Fail(number, "the timestamp must be an integer");
        var key = string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        return new Sample(name, labels, sampleValue, number, key);
    }

    private static double ParseValue(string text, int number) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatValue().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw Fail(number, $"'{text}' is not a sample value"),
    };

    private static string UnescapeHelp(string help, int number)
    {
        var text = new StringBuilder();
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] != '\\')
            {
                text.Append(help[i]);
                continue;
            }
            if (++i >= help.Length) throw Fail(number, "HELP ends with a backslash");
            text.Append(help[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                var other => throw Fail(number, $"invalid escape '\\{other}' in HELP"),
            });
        }
        return text.ToString();
    }

    private static ShouldAssertException Fail(int line, string message) =>
        new(line > 0 ? $"exposition line {line}: {message}" : $"exposition: {message}");

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex FloatValue();

    public sealed class Family(string name)
    {
        public string Name { get; } = name;

        public string? Help { get; set; }

        public string? Type { get; set; }

        public int SampleCount { get; set; }

        public HashSet<string> Series { get; } = new(StringComparer.Ordinal);

        public List<Sample> Samples { get; } = [];
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, int Line, string LabelKey);
}

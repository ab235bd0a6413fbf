using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>
/// A strict view of a YAML mapping: keys outside the allowed set and values of the wrong type are reported at their
/// line and column, and reading goes on so every problem is found in one pass.
/// </summary>
public sealed class YamlMap
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlMap(YamlMappingNode node, ConfigDiagnostics diagnostics, string what, IReadOnlyCollection<string>? allowed)
    {
        Node = node;
        Diagnostics = diagnostics;
        What = what;
        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar)
            {
                diagnostics.Error(key, $"{what}: keys must be plain names");
                continue;
            }
            if (allowed is not null && !allowed.Contains(name))
            {
                diagnostics.Error(key, $"{what}: unknown key '{name}' (expected one of: {string.Join(", ", allowed)})");
                continue;
            }
            _entries[name] = (scalar, value);
        }
    }

    public YamlMappingNode Node { get; }

    public ConfigDiagnostics Diagnostics { get; }

    public string What { get; }

    public IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries => _entries.Values;

    public bool Has(string key) => _entries.ContainsKey(key);

    public YamlNode? Get(string key) => _entries.TryGetValue(key, out var entry) && !IsNull(entry.Value) ? entry.Value : null;

    public YamlNode? Required(string key)
    {
        var value = Get(key);
        if (value is null) Diagnostics.Error(_entries.TryGetValue(key, out var e) ? e.Key : Node, $"{What}: '{key}' is required");
        return value;
    }

    public string? String(string key, bool required = false)
    {
        var node = required ? Required(key) : Get(key);
        return node is null ? null : Scalar(node, Diagnostics, $"{What}: '{key}'");
    }

    public int? Int(string key, int min)
    {
        var node = Get(key);
        return node is null ? null : Integer(node, Diagnostics, $"{What}: '{key}'", min);
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        if (node is null) return null;
        var text = Scalar(node, Diagnostics, $"{What}: '{key}'");
        if (text is null) return null;
        if (bool.TryParse(text, out var value)) return value;
        Diagnostics.Error(node, $"{What}: '{key}' must be true or false, got '{text}'");
        return null;
    }

    public TimeSpan? Duration(string key)
    {
        var node = Get(key);
        return node is null ? null : DurationOf(node, Diagnostics, $"{What}: '{key}'");
    }

    /// <summary>A size in bytes, <c>1048576</c> or <c>32MiB</c> (see <see cref="ConfigByteSize"/>), of at least <paramref name="min"/>.</summary>
    public long? ByteSize(string key, long min)
    {
        var node = Get(key);
        return node is null ? null : ByteSizeOf(node, Diagnostics, $"{What}: '{key}'", min);
    }

    public YamlMap? Map(string key, IReadOnlyCollection<string>? allowed)
    {
        var node = Get(key);
        if (node is null) return null;
        if (node is YamlMappingNode mapping) return new YamlMap(mapping, Diagnostics, $"{What}: '{key}'", allowed);
        Diagnostics.Error(node, $"{What}: '{key}' must be a mapping ({Kind(node)} found)");
        return null;
    }

    /// <summary>A name or a list of names: <c>a</c>, <c>[a, b]</c> or a block list.</summary>
    public IReadOnlyList<YamlScalarNode> List(string key, bool required = false)
    {
        var node = required ? Required(key) : Get(key);
        return node is null ? [] : ListOf(node, Diagnostics, $"{What}: '{key}'");
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" };

    public static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a value",
    };

    public static string? Scalar(YamlNode node, ConfigDiagnostics diagnostics, string what)
    {
        if (node is YamlScalarNode scalar) return scalar.Value ?? "";
        diagnostics.Error(node, $"{what} must be a single value ({Kind(node)} found)");
        return null;
    }

    public static int? Integer(YamlNode node, ConfigDiagnostics diagnostics, string what, int min)
    {
        var text = Scalar(node, diagnostics, what);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            diagnostics.Error(node, $"{what} must be a whole number, got '{text}'");
            return null;
        }
        if (value < min)
        {
            diagnostics.Error(node, $"{what} must be at least {min}, got {value}");
            return null;
        }
        return value;
    }

    public static TimeSpan? DurationOf(YamlNode node, ConfigDiagnostics diagnostics, string what)
    {
        var text = Scalar(node, diagnostics, what);
        if (text is null) return null;
        if (ConfigDuration.TryParse(text, out var value)) return value;
        diagnostics.Error(node, $"{what} must be a duration such as 200ms, 1s, 1.5s or 2m, got '{text}'");
        return null;
    }

    public static long? ByteSizeOf(YamlNode node, ConfigDiagnostics diagnostics, string what, long min)
    {
        var text = Scalar(node, diagnostics, what);
        if (text is null) return null;
        if (!ConfigByteSize.TryParse(text, out var value))
        {
            diagnostics.Error(node, $"{what} must be {ConfigByteSize.Expected}, got '{text}'");
            return null;
        }
        if (value < min)
        {
            diagnostics.Error(node, $"{what} must be at least {min} bytes, got {value}");
            return null;
        }
        return value;
    }

    public static IReadOnlyList<YamlScalarNode> ListOf(YamlNode node, ConfigDiagnostics diagnostics, string what)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return [scalar];
            case YamlSequenceNode sequence:
                var items = new List<YamlScalarNode>();
                foreach (var item in sequence.Children)
                {
                    if (item is YamlScalarNode s && !IsNull(s)) items.Add(s);
                    else diagnostics.Error(item, $"{what}: each item must be a name ({Kind(item)} found)");
                }
                if (sequence.Children.Count == 0) diagnostics.Error(node, $"{what} must not be empty");
                return items;
            default:
                diagnostics.Error(node, $"{what} must be a name or a list of names ({Kind(node)} found)");
                return [];
        }
    }
}

using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Server.Configuration;

/// <summary>
/// YAML settings → .NET configuration keys: <c>max-body-bytes</c> becomes <c>MaxBodyBytes</c>, nested mappings and
/// lists become <c>A:B</c> and <c>A:0</c>, durations such as <c>15s</c> become TimeSpans where the target is one.
/// </summary>
public static class YamlSettings
{
    public static string Pascal(string key) =>
        string.Concat(key.Split('-', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>Flattens every entry except those in <paramref name="skip"/>, under <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string?> Flatten(YamlMap map, string prefix, params string[] skip)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map.Entries.Where(e => !skip.Contains(e.Key.Value)))
        {
            Flatten(value, $"{prefix}:{Pascal(key.Value!)}", result);
        }
        return result;
    }

    private static void Flatten(YamlNode node, string path, Dictionary<string, string?> result)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children) Flatten(value, $"{path}:{Pascal(((YamlScalarNode)key).Value ?? "")}", result);
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++) Flatten(sequence.Children[i], $"{path}:{i}", result);
                break;
            case YamlScalarNode scalar:
                result[path] = YamlMap.IsNull(scalar) ? null : scalar.Value;
                break;
        }
    }

    /// <summary>
    /// Binds a mapping onto <paramref name="target"/>. Each key must be a property of the target (checked here, so the
    /// error has the key's line) and each value must convert to it (bound one by one, for the same reason).
    /// </summary>
    public static void Bind(YamlMap map, object target, ConfigDiagnostics diagnostics, string what, params string[] skip)
    {
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var good = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map.Entries.Where(e => !skip.Contains(e.Key.Value)))
        {
            var name = Pascal(key.Value!);
            if (!properties.TryGetValue(name, out var property) || name is "Name" or "Enabled")
            {
                var allowed = properties.Keys.Where(k => k is not ("Name" or "Enabled")).Select(Kebab).Concat(skip).Order(StringComparer.Ordinal);
                diagnostics.Error(key, $"{what}: unknown key '{key.Value}' (expected one of: {string.Join(", ", allowed)})");
                continue;
            }
            var entry = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(value, name, entry);
            foreach (var k in entry.Keys.ToList()) entry[k] = Convert(property.PropertyType, entry[k]);
            try
            {
                new ConfigurationBuilder().AddInMemoryCollection(entry).Build().Bind(Activator.CreateInstance(target.GetType())!);
                foreach (var (k, v) in entry) good[k] = v;
            }
            catch (InvalidOperationException)
            {
                diagnostics.Error(value, $"{what}: '{key.Value}' must be {Describe(property.PropertyType)}, got '{(value as YamlScalarNode)?.Value ?? YamlMap.Kind(value)}'");
            }
        }
        new ConfigurationBuilder().AddInMemoryCollection(good).Build().Bind(target);
    }

    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string? Convert(Type type, string? value)
    {
        if (value is null) return null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(TimeSpan) && ConfigDuration.TryParse(value, out var duration)) return duration.ToString("c", CultureInfo.InvariantCulture);
        if (type.IsEnum && value.Contains('-')) return Pascal(value);
        return value;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(TimeSpan)) return "a duration such as 200ms, 15s or 2m";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type).Select(Kebab))}";
        return $"a {type.Name}";
    }
}

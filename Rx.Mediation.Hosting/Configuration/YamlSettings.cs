using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// YAML settings → .NET configuration keys: <c>max-body-bytes</c> becomes <c>MaxBodyBytes</c>, nested mappings and
/// lists become <c>A:B</c> and <c>A:0</c>, durations such as <c>15s</c> become TimeSpans where the target is one.
/// </summary>
public static class YamlSettings
{
    public static string Pascal(string key) =>
        string.Concat(key.Split('-', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>Flattens every entry except those in <paramref name="skip"/>, under <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string?> Flatten(YamlMap map, string prefix, params string[] skip) => Flatten(map, prefix, null, skip);

    /// <summary>
    /// Flattens as <see cref="Flatten(YamlMap, string, string[])"/>, and records for each key the YAML key path as
    /// written (<c>tls: ca-file</c> → <c>tls:ca-file</c>) and its value's node, so errors can speak the file's words.
    /// </summary>
    public static Dictionary<string, string?> Flatten(YamlMap map, string prefix, IDictionary<string, (string Written, YamlNode Node)>? written, params string[] skip)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map.Entries.Where(e => !skip.Contains(e.Key.Value)))
        {
            Flatten(value, $"{prefix}:{Pascal(key.Value!)}", key.Value!, result, written);
        }
        return result;
    }

    private static void Flatten(YamlNode node, string path, string asWritten, Dictionary<string, string?> result, IDictionary<string, (string, YamlNode)>? written)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Flatten(value, $"{path}:{Pascal(name)}", $"{asWritten}:{name}", result, written);
                }
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++) Flatten(sequence.Children[i], $"{path}:{i}", $"{asWritten}:{i}", result, written);
                break;
            case YamlScalarNode scalar:
                result[path] = YamlMap.IsNull(scalar) ? null : scalar.Value;
                written?.Add(path, (asWritten, scalar));
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
                var allowed = properties.Keys.Where(k => k is not ("Name" or "Enabled")).Select(SettingValues.Kebab).Concat(skip).Order(StringComparer.Ordinal);
                diagnostics.Error(key, $"{what}: unknown key '{key.Value}' (expected one of: {string.Join(", ", allowed)})");
                continue;
            }
            var entry = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(value, name, key.Value!, entry, null);
            var refused = entry.FirstOrDefault(e => e.Value is not null && DurationSettings.IsDuration(target.GetType(), e.Key) && !DurationSettings.TryCanonical(e.Value, out _));
            if (refused.Value is not null)
            {
                diagnostics.Error(value, $"{what}: '{key.Value}' {DurationSettings.Problem(refused.Value)}");
                continue;
            }
            foreach (var k in entry.Keys.ToList()) entry[k] = Convert(target.GetType(), k, entry[k]);
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

    private static string? Convert(Type target, string key, string? value)
    {
        if (value is null) return null;
        if (DurationSettings.IsDuration(target, key) && DurationSettings.TryCanonical(value, out var duration)) return duration;
        var type = target.GetProperty(key.Split(':')[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsEnum: true } && value.Contains('-')) return Pascal(value);
        return value;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(TimeSpan)) return DurationSettings.Expected;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type).Select(SettingValues.Kebab))}";
        return $"a {type.Name}";
    }
}

using System.Collections;
using System.Globalization;
using System.Reflection;
using Rx.Mediation.Connectors;
using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Operators.Configuration;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Reads a section of the configuration file as the options class it configures: each key is a property of that class
/// in kebab case (<c>allow-remote</c> → <c>AllowRemote</c>), a mapping under a dictionary keeps its names as written,
/// a list becomes <c>:0</c>, <c>:1</c>. An unknown key, or a value that is not of the property's type, is reported at
/// its line and column and left out, so the binder never sees it.
/// </summary>
public static class YamlOptions
{
    /// <param name="key">The configuration key the node stands for (<c>Mediation</c>).</param>
    /// <param name="written">The node's path as the file writes it (<c>server</c>).</param>
    /// <param name="allowed">Which properties of <paramref name="type"/> the section may set at its top (null: all).</param>
    public static void Read(YamlNode node, Type type, string key, string written, YamlKeys into, ConfigDiagnostics diagnostics, IReadOnlyCollection<string>? allowed = null)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        into.Written[key] = (written, diagnostics.At(node));
        if (IsLeaf(type))
        {
            ReadLeaf(node, type, key, written, into, diagnostics);
        }
        else if (Generic(type, typeof(IDictionary<,>)) is { } entry)
        {
            if (node is not YamlMappingNode mapping)
            {
                diagnostics.Error(node, $"{Quoted(written)} must be a mapping of names to settings ({YamlMap.Kind(node)} found)");
                return;
            }
            foreach (var (name, value) in mapping.Children)
            {
                if (name is not YamlScalarNode { Value.Length: > 0 } scalar || scalar.Value.Contains(':'))
                {
                    diagnostics.Error(name, $"{written}: names must be plain text without ':'");
                    continue;
                }
                Read(value, entry[1], $"{key}:{scalar.Value}", $"{written}: {scalar.Value}", into, diagnostics);
            }
        }
        else if (Generic(type, typeof(IEnumerable<>)) is { } element)
        {
            if (node is not YamlSequenceNode sequence)
            {
                diagnostics.Error(node, $"{Quoted(written)} must be a list, e.g. [ a, b ] ({YamlMap.Kind(node)} found)");
                return;
            }
            for (var i = 0; i < sequence.Children.Count; i++) Read(sequence.Children[i], element[0], $"{key}:{i}", written, into, diagnostics);
        }
        else
        {
            ReadObject(node, type, key, written, into, diagnostics, allowed);
        }
    }

    private static void ReadObject(YamlNode node, Type type, string key, string written, YamlKeys into, ConfigDiagnostics diagnostics, IReadOnlyCollection<string>? allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error(node, $"{Quoted(written)} must be a mapping ({YamlMap.Kind(node)} found)");
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && (allowed is null || allowed.Contains(p.Name)))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in mapping.Children)
        {
            var text = (name as YamlScalarNode)?.Value ?? "";
            if (!properties.TryGetValue(YamlSettings.Pascal(text), out var property))
            {
                var expected = properties.Keys.Select(SettingValues.Kebab).Order(StringComparer.Ordinal);
                diagnostics.Error(name, $"{written}: unknown key '{text}' (expected one of: {string.Join(", ", expected)})");
                continue;
            }
            Read(value, property.PropertyType, $"{key}:{property.Name}", $"{written}: {text}", into, diagnostics);
        }
    }

    private static void ReadLeaf(YamlNode node, Type type, string key, string written, YamlKeys into, ConfigDiagnostics diagnostics)
    {
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Error(node, $"{Quoted(written)} must be {Describe(type)} ({YamlMap.Kind(node)} found)");
            return;
        }
        if (YamlMap.IsNull(scalar))
        {
            into.Values[key] = null;
            return;
        }
        var text = scalar.Value ?? "";
        string? value = text;
        if (type == typeof(TimeSpan)) value = DurationSettings.TryCanonical(text, out var canonical) ? canonical : null;
        else if (type == typeof(bool)) value = bool.TryParse(text, out _) ? text : null;
        else if (type == typeof(int)) value = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? text : null;
        else if (type == typeof(long)) value = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? text : null;
        else if (type == typeof(double)) value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? text : null;
        else if (type.IsEnum) value = Enum.TryParse(type, YamlSettings.Pascal(text), ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) ? parsed!.ToString() : null;
        if (value is null)
        {
            diagnostics.Error(scalar, $"{Quoted(written)} must be {Describe(type)}, got '{text}'");
            return;
        }
        into.Values[key] = value;
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri);

    /// <summary>The type arguments of <paramref name="definition"/> when <paramref name="type"/> is or implements it.</summary>
    private static Type[]? Generic(Type type, Type definition)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray && definition == typeof(IEnumerable<>)) return [type.GetElementType()!];
        return (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition))
            ?.GetGenericArguments();
    }

    private static string Quoted(string written) => YamlKeys.Quoted(written);

    private static string Describe(Type type)
    {
        if (type == typeof(TimeSpan)) return DurationSettings.Expected;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type).Select(SettingValues.Kebab))}";
        return "text";
    }
}

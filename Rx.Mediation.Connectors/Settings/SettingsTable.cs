using System.Collections;
using System.Reflection;
using System.Text;

namespace Rx.Mediation.Connectors.Settings;

/// <summary>
/// Renders a settings class as the Markdown table of its docs page: each setting's configuration key and YAML key, its
/// type and bounds, its default and its description, all read from the class (<see cref="SettingAttribute"/> and the
/// bound attributes), so the page cannot drift from the code. <c>eng/docs-settings.sh</c> writes the tables into the
/// pages between <c>&lt;!-- settings:{name} --&gt;</c> markers; a spec fails when a page differs.
/// </summary>
public static class SettingsTable
{
    private const long MiB = 1024 * 1024;

    /// <param name="settings">A settings class whose public settable properties all carry <see cref="SettingAttribute"/> (or <see cref="RenamedAttribute"/>).</param>
    /// <param name="section">The section the class is bound under inside the endpoint's settings, e.g. <c>Tls</c>; null for the endpoint's own.</param>
    public static string Markdown(Type settings, string? section = null)
    {
        var defaults = Activator.CreateInstance(settings) ?? throw new InvalidOperationException($"{settings.Name} has no parameterless constructor");
        var table = new StringBuilder()
            .AppendLine("| Setting | YAML key | Type | Default | Meaning |")
            .AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var property in Settable(settings))
        {
            var declared = property.GetCustomAttribute<SettingAttribute>()
                ?? throw new InvalidOperationException($"{settings.Name}.{property.Name} is a setting without a [Setting] description: declare it, or mark a former name [Renamed]");
            var (key, yaml) = Keys(property, section);
            if (!declared.InFile) yaml = "—";
            var type = TypeName(property.PropertyType);
            if (SettingRules.Describe(property) is { } bounds) type += $", {bounds}";
            table.Append("| ").Append(key)
                .Append(" | ").Append(yaml)
                .Append(" | ").Append(type)
                .Append(" | ").Append(Escape(Default(property, declared, defaults)))
                .Append(" | ").Append(Escape(declared.Description))
                .AppendLine(" |");
        }
        return table.ToString();
    }

    /// <summary>
    /// Puts <paramref name="table"/> between <c>&lt;!-- settings:{marker} --&gt;</c> and <c>&lt;!-- /settings:{marker} --&gt;</c>
    /// of <paramref name="document"/>, replacing what was there.
    /// </summary>
    public static string Replace(string document, string marker, string table)
    {
        var open = $"<!-- settings:{marker} -->";
        var close = $"<!-- /settings:{marker} -->";
        var start = document.IndexOf(open, StringComparison.Ordinal);
        var end = document.IndexOf(close, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"the page has no '{open}' … '{close}' markers, in that order");
        var newline = document.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        return string.Concat(document.AsSpan(0, start + open.Length), newline, table.ReplaceLineEndings(newline), document.AsSpan(end));
    }

    private static IEnumerable<PropertyInfo> Settable(Type settings) =>
        settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetCustomAttribute<RenamedAttribute>() is null)
            .OrderBy(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken);

    /// <summary>How far below <see cref="object"/> a class is, so that a base class's settings come first.</summary>
    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType) depth++;
        return depth;
    }

    private static (string Key, string Yaml) Keys(PropertyInfo property, string? section)
    {
        var key = section is null ? property.Name : $"{section}:{property.Name}";
        var yaml = section is null ? SettingValues.Kebab(property.Name) : $"{SettingValues.Kebab(section)}: {SettingValues.Kebab(property.Name)}";
        if (IsMap(property.PropertyType)) return ($"`{key}:{{name}}`", $"`{yaml}: {{name}}`");
        if (IsSection(property.PropertyType)) return ($"`{key}:…`", $"`{yaml}: …`");
        return ($"`{key}`", $"`{yaml}`");
    }

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "text";
        if (type == typeof(int) || type == typeof(long)) return "integer";
        if (type == typeof(bool)) return "true/false";
        if (type == typeof(TimeSpan)) return "duration";
        if (type.IsEnum) return string.Join(" / ", Enum.GetNames(type).Select(SettingValues.Kebab));
        if (IsMap(type)) return "map";
        return "section";
    }

    private static string Default(PropertyInfo property, SettingAttribute declared, object defaults)
    {
        if (declared.Default is not null) return declared.Default;
        if (declared.Required) return "required";
        var value = property.GetValue(defaults);
        return value switch
        {
            null => "none",
            "" => "`\"\"`",
            IDictionary { Count: 0 } => "none",
            long or int when property.Name.Contains("Bytes", StringComparison.Ordinal) && Convert.ToInt64(value) % MiB == 0
                => $"`{SettingValues.Format(value)}` ({Convert.ToInt64(value) / MiB} MiB)",
            _ when IsSection(property.PropertyType) => throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name} is a section: declare its default in words ([Setting(Default = …)])"),
            _ => $"`{SettingValues.Format(value)}`",
        };
    }

    private static bool IsMap(Type type) => type != typeof(string) && typeof(IDictionary).IsAssignableFrom(type);

    private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>A <c>|</c> would end the table cell.</summary>
    private static string Escape(string markdown) => markdown.Replace("|", "\\|", StringComparison.Ordinal);
}

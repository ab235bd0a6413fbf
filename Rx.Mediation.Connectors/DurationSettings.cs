using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Connectors;

/// <summary>
/// The one reading of durations for every front door: appsettings, environment variables, the command line and the
/// YAML file all go through <see cref="ConfigDuration"/>. So <c>15s</c> works everywhere, and a bare number, which
/// .NET's binder would read as days (<c>1</c> → one day), is refused naming its key.
/// </summary>
public static class DurationSettings
{
    public const string Expected = "a duration with a unit, such as 200ms, 15s or 2m (or hh:mm:ss)";

    /// <summary>
    /// Binds <paramref name="configuration"/> onto <paramref name="target"/>, reading every value bound to a
    /// <see cref="TimeSpan"/> with <see cref="ConfigDuration"/>. A duration that does not read is left at its default
    /// and returned (key relative to <paramref name="configuration"/>, value as written).
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> Bind(IConfiguration configuration, object target, Action<BinderOptions>? binder = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var refused = new List<(string, string)>();
        foreach (var (key, value) in configuration.AsEnumerable(makePathsRelative: true))
        {
            if (value is null) continue;
            if (!IsDuration(target.GetType(), key))
            {
                values[key] = value;
                continue;
            }
            if (TryCanonical(value, out var canonical)) values[key] = canonical;
            else refused.Add((key, value));
        }
        // Kept under the section's own path, so the binder's errors name the whole key (Mediation:Http:MaxBodyBytes).
        var path = (configuration as IConfigurationSection)?.Path;
        var rebuilt = new ConfigurationBuilder()
            .AddInMemoryCollection(path is null ? values : values.Select(v => KeyValuePair.Create(ConfigurationPath.Combine(path, v.Key), v.Value)))
            .Build();
        (path is null ? rebuilt : (IConfiguration)rebuilt.GetSection(path)).Bind(target, binder);
        return refused;
    }

    /// <summary>The refusal's words, after the key: <c>must be a duration with a unit, …, got '1'</c>.</summary>
    public static string Problem(string value) => $"must be {Expected}, got '{value}'";

    /// <summary>A duration as <see cref="TimeSpan"/>'s invariant text, which the binder reads back exactly.</summary>
    public static bool TryCanonical(string value, out string canonical)
    {
        canonical = "";
        if (!ConfigDuration.TryParse(value, out var duration)) return false;
        canonical = duration.ToString("c", CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Whether the configuration key (<c>Sse:HeartbeatInterval</c>, <c>Routes:a:Bridge:RetryAfter</c>) binds to a duration of <paramref name="root"/>.</summary>
    public static bool IsDuration(Type root, string key)
    {
        var type = TargetOf(root, key.Split(ConfigurationPath.KeyDelimiter));
        return type is not null && (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan);
    }

    private static Type? TargetOf(Type type, IEnumerable<string> segments)
    {
        foreach (var segment in segments)
        {
            if (Element(type) is { } element)
            {
                type = element;
                continue;
            }
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null) return null;
            type = property.PropertyType;
        }
        return type;
    }

    /// <summary>The value type of a dictionary or list, whose keys are names or indexes rather than properties.</summary>
    private static Type? Element(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)) return null;
        if (type.IsArray) return type.GetElementType();
        var dictionary = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null) return dictionary.GetGenericArguments()[1];
        var list = type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return list?.GetGenericArguments()[0];
    }
}

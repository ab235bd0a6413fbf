using System.Reflection;

namespace Rx.Mediation.Connectors.Settings;

/// <summary>
/// The checks a settings class declares on its properties: <see cref="SettingAttribute.Required"/>, bounds
/// (<see cref="AtLeastAttribute"/>, <see cref="AtMostAttribute"/>, <see cref="PositiveAttribute"/>) and former names
/// (<see cref="RenamedAttribute"/>). The refusal's key and bounds come from the declaration, so the docs' table and the
/// message cannot disagree. Checks that relate settings to each other stay with each connector.
/// </summary>
public static class SettingRules
{
    /// <summary>What is wrong, as (setting, problem) pairs in declaration order; empty when nothing is.</summary>
    public static IEnumerable<(string Setting, string Problem)> Problems(object settings)
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0) continue;
            var value = property.GetValue(settings);
            if (property.GetCustomAttribute<RenamedAttribute>() is { } renamed)
            {
                if (value is not null) yield return (property.Name, $"was renamed {renamed.NewName}, as on every connector (README, Changes)");
                continue;
            }
            if (property.GetCustomAttribute<SettingAttribute>() is { Required: true } declared && (value is null || value is string text && string.IsNullOrWhiteSpace(text)))
            {
                yield return (property.Name, declared.Example is null ? "is required" : $"is required (e.g. {declared.Example})");
                continue;
            }
            if (value is IComparable comparable && Bounds(property, comparable) is { } problem) yield return (property.Name, problem);
        }
    }

    /// <summary>Throws the first of <see cref="Problems"/> naming its key under <paramref name="key"/> (<c>Mediation:Endpoints:orders</c>).</summary>
    public static void Check(object settings, string endpoint, string key)
    {
        foreach (var (setting, problem) in Problems(settings)) throw new EndpointConfigurationException(endpoint, $"{key}:{setting}", problem);
    }

    /// <summary>The bounds as the docs' table shows them: <c>1–65535</c>, <c>≥ 1</c>, <c>&gt; 0</c>; null without any.</summary>
    public static string? Describe(PropertyInfo property)
    {
        var (atLeast, atMost, positive) = BoundsOf(property);
        if (positive) return "> 0";
        if (atLeast is not null && atMost is not null) return $"{atLeast}–{atMost}";
        if (atLeast is not null) return $"≥ {atLeast}";
        return atMost is null ? null : $"≤ {atMost}";
    }

    private static string? Bounds(PropertyInfo property, IComparable value)
    {
        var (atLeast, atMost, positive) = BoundsOf(property);
        var type = property.PropertyType;
        var got = SettingValues.Format(value);
        if (positive && value.CompareTo(Zero(type)) <= 0) return $"must be positive, got {got}";
        var below = atLeast is not null && value.CompareTo(atLeast.For(type)) < 0;
        var above = atMost is not null && value.CompareTo(atMost.For(type)) > 0;
        if (!below && !above) return null;
        if (atLeast is not null && atMost is not null) return $"must be between {atLeast} and {atMost}, got {got}";
        if (atLeast is not null) return atLeast.For(type).CompareTo(Zero(type)) == 0 ? $"must not be negative, got {got}" : $"must be at least {atLeast}, got {got}";
        return $"must be at most {atMost}, got {got}";
    }

    private static (AtLeastAttribute? AtLeast, AtMostAttribute? AtMost, bool Positive) BoundsOf(PropertyInfo property) =>
        (property.GetCustomAttribute<AtLeastAttribute>(), property.GetCustomAttribute<AtMostAttribute>(), property.GetCustomAttribute<PositiveAttribute>() is not null);

    private static IComparable Zero(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(TimeSpan) ? TimeSpan.Zero : (IComparable)Convert.ChangeType(0, type, System.Globalization.CultureInfo.InvariantCulture);
    }
}

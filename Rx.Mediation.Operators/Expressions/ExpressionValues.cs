using System.Globalization;
using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Operators.Expressions;

/// <summary>
/// The values an expression computes with: null, bool, double, string, a JSON object or array (JsonElement), or an
/// event's headers. JSON scalars become .NET values as soon as they are read. Comparisons are forgiving where routes
/// need them to be: a number compared with a string holding a number (a header, say) compares as numbers.
/// </summary>
internal static class ExpressionValues
{
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element,
    };

    public static object? Member(object? target, string name) => target switch
    {
        JsonElement { ValueKind: JsonValueKind.Object } json => json.TryGetProperty(name, out var property) ? FromJson(property) : null,
        EventHeaders headers => headers[name],
        _ => null,
    };

    public static object? Index(object? target, object? key) => (target, key) switch
    {
        (JsonElement { ValueKind: JsonValueKind.Array } json, double index) when index >= 0 && index < json.GetArrayLength() && index == Math.Floor(index) => FromJson(json[(int)index]),
        (JsonElement { ValueKind: JsonValueKind.Object } json, string name) => json.TryGetProperty(name, out var property) ? FromJson(property) : null,
        (EventHeaders headers, string name) => headers[name],
        _ => null,
    };

    public static bool AreEqual(object? left, object? right)
    {
        if (left is null || right is null) return left is null && right is null;
        if (left is double a && TryNumber(right, out var b)) return a == b;
        if (right is double && TryNumber(left, out var c)) return c == (double)right;
        if (left is string s && right is string t) return string.Equals(s, t, StringComparison.Ordinal);
        if (left is bool x && right is bool y) return x == y;
        if (left is JsonElement j && right is JsonElement k) return j.GetRawText() == k.GetRawText();
        return false;
    }

    /// <summary>Orders two values; null when they cannot be ordered (so every relational comparison is false).</summary>
    public static int? Compare(object? left, object? right)
    {
        if (left is double a && TryNumber(right, out var b)) return a.CompareTo(b);
        if (right is double d && TryNumber(left, out var c)) return c.CompareTo(d);
        if (left is string s && right is string t) return string.CompareOrdinal(s, t);
        return null;
    }

    public static bool TryNumber(object? value, out double number)
    {
        switch (value)
        {
            case double d:
                number = d;
                return true;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                return true;
            default:
                number = 0;
                return false;
        }
    }

    public static string? AsString(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        JsonElement json => json.GetRawText(),
        EventHeaders headers => headers.ToString(),
        _ => value.ToString(),
    };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        bool => "a boolean",
        double => "a number",
        string => "a string",
        JsonElement { ValueKind: JsonValueKind.Array } => "a JSON array",
        JsonElement => "a JSON object",
        EventHeaders => "the headers",
        _ => value.GetType().Name,
    };
}

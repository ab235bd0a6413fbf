using System.Text.Json;

namespace Rx.Mediation.Operators.Json;

/// <summary>
/// A dotted path into a JSON payload: <c>order.amount</c>, <c>$.items[0].sku</c>. Parsed once when the route is
/// built; a malformed path is refused then, naming the position.
/// </summary>
public sealed class JsonPath
{
    private readonly Segment[] _segments;

    private JsonPath(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>The last property name in the path (used to name projected fields), e.g. "amount".</summary>
    public string LeafName => Array.FindLast(_segments, s => s.Property is not null)?.Property ?? "value";

    public static JsonPath Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var segments = new List<Segment>();
        var i = text.StartsWith("$.", StringComparison.Ordinal) ? 2 : text == "$" ? 1 : 0;
        while (i < text.Length)
        {
            if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), out var index) || index < 0)
                    throw new FormatException($"JSON path '{text}': expected [index] at position {i}");
                segments.Add(new Segment(null, index));
                i = close + 1;
                if (i < text.Length && text[i] == '.') i++;
                continue;
            }
            var end = i;
            while (end < text.Length && text[end] != '.' && text[end] != '[') end++;
            if (end == i) throw new FormatException($"JSON path '{text}': empty property name at position {i}");
            segments.Add(new Segment(text[i..end], -1));
            i = end < text.Length && text[end] == '.' ? end + 1 : end;
            if (end < text.Length && text[end] == '.' && i >= text.Length)
                throw new FormatException($"JSON path '{text}': path ends with '.'");
        }
        return new JsonPath(text, [.. segments]);
    }

    /// <summary>Finds the element the path names; false when a step is missing or of the wrong kind.</summary>
    public bool TryFind(JsonElement root, out JsonElement found)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            if (segment.Property is { } property)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(property, out current))
                {
                    found = default;
                    return false;
                }
            }
            else if (current.ValueKind != JsonValueKind.Array || segment.Index >= current.GetArrayLength())
            {
                found = default;
                return false;
            }
            else
            {
                current = current[segment.Index];
            }
        }
        found = current;
        return true;
    }

    public override string ToString() => Text;

    private sealed record Segment(string? Property, int Index);
}

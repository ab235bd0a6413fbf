using System.Text.Json;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>
/// Reads a document as a strict client would: it must be valid UTF-8 JSON and every string and property name in it
/// must decode (System.Text.Json parses escaped unpaired surrogates and only fails when such a string is read).
/// </summary>
public static class StrictJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        System.Text.Unicode.Utf8.IsValid(utf8.Span).ShouldBeTrue("the document is not valid UTF-8");
        var document = JsonDocument.Parse(utf8);
        ReadAll(document.RootElement);
        return document;
    }

    public static JsonDocument Parse(string text) => Parse(System.Text.Encoding.UTF8.GetBytes(text));

    private static void ReadAll(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadAll(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) ReadAll(item);
                break;
            case JsonValueKind.String:
                element.GetString();
                break;
        }
    }
}

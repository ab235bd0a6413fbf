using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Operators.Json;

/// <summary>Reading JSON payloads from route code: <c>e.Json("order.amount")</c>.</summary>
public static class JsonPayload
{
    /// <summary>The element at <paramref name="path"/> (cloned, so it outlives the parse), or null when absent or the payload is not JSON.</summary>
    public static JsonElement? Json(this Event value, string path)
    {
        var parsed = JsonPath.Parse(path);
        try
        {
            using var document = JsonDocument.Parse(value.Payload);
            return parsed.TryFind(document.RootElement, out var found) ? found.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

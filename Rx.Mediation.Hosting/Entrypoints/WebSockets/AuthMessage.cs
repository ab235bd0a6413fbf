using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// The first message of a WebSocket opened without a credential: <c>{"type":"auth","token":"…"}</c>, the token an API
/// key or a JWT as it would go in <c>Authorization: Bearer</c>. Browsers cannot set headers on a WebSocket, and this keeps
/// the credential out of the URL.
/// </summary>
internal static class AuthMessage
{
    /// <summary>The largest auth message read; a JWT with many claims stays well below it.</summary>
    public const int MaxBytes = 16 * 1024;

    public const string Shape = """{"type":"auth","token":"…"}""";

    /// <summary>The token of an auth message; false when <paramref name="json"/> is not one (the text is not echoed: it may hold a credential).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, [NotNullWhen(true)] out string? token)
    {
        token = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "auth"
                || !root.TryGetProperty("token", out var value) || value.ValueKind != JsonValueKind.String)
                return false;
            token = value.GetString()?.Trim();
            return !string.IsNullOrEmpty(token);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}

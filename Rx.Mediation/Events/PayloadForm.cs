using System.Text.Json;

namespace Rx.Mediation.Events;

/// <summary>How a payload can be shown in JSON: as JSON itself, as a string, or base64.</summary>
public enum PayloadForm
{
    Json,
    Text,
    Base64,
}

/// <summary>
/// The one place that decides how payloads appear inside JSON documents (batches, poll answers, envelopes):
/// JSON payloads are embedded as JSON, valid UTF-8 as a string, anything else as base64. Only what
/// <see cref="JsonCheck"/> finds valid is embedded raw, so no payload can make the document around it invalid.
/// </summary>
public static class PayloadJson
{
    public static PayloadForm Classify(ReadOnlySpan<byte> payload)
    {
        if (!IsUtf8(payload)) return PayloadForm.Base64;
        return LooksLikeJson(payload) && JsonCheck.FindInUtf8(payload, EmbeddedMaxDepth) is null ? PayloadForm.Json : PayloadForm.Text;
    }

    /// <summary>
    /// The deepest JSON payload embedded as JSON. Documents nest payloads a few levels down (a poll page: three) and
    /// strict readers stop at 64 levels, so deeper payloads are shown as a string instead.
    /// </summary>
    public const int EmbeddedMaxDepth = 32;

    public static bool IsUtf8(ReadOnlySpan<byte> payload) => System.Text.Unicode.Utf8.IsValid(payload);

    /// <summary>Writes the payload as a JSON value in its <see cref="Classify"/>d form and returns that form.</summary>
    public static PayloadForm Write(Utf8JsonWriter writer, ReadOnlySpan<byte> payload)
    {
        var form = Classify(payload);
        switch (form)
        {
            case PayloadForm.Json:
                writer.WriteRawValue(payload, skipInputValidation: true);
                break;
            case PayloadForm.Text:
                writer.WriteStringValue(payload);
                break;
            default:
                writer.WriteBase64StringValue(payload);
                break;
        }
        return form;
    }

    public static string ToName(this PayloadForm form) => form switch
    {
        PayloadForm.Json => "json",
        PayloadForm.Text => "text",
        _ => "base64",
    };

    // Only objects, arrays, strings, and literals are worth parsing; "42" stays text-like JSON too, which is fine.
    private static bool LooksLikeJson(ReadOnlySpan<byte> payload)
    {
        var trimmed = payload.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty) return false;
        var first = trimmed[0];
        return first is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9')
            || trimmed.SequenceEqual("true"u8) || trimmed.SequenceEqual("false"u8) || trimmed.SequenceEqual("null"u8);
    }
}

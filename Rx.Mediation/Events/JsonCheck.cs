using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Rx.Mediation.Events;

/// <summary>
/// Whether a payload is exactly one JSON value in valid UTF-8 whose strings all decode, and if not, where it goes
/// wrong. System.Text.Json's reader accepts invalid UTF-8 inside strings and escapes of unpaired surrogates
/// (<c>"\ud800"</c>); embedded raw in a poll page or an envelope, either makes the whole document unreadable for a
/// strict client, so both count as invalid here.
/// </summary>
public static class JsonCheck
{
    /// <summary>Null when <paramref name="payload"/> is valid JSON in valid UTF-8; else the first fault.</summary>
    public static JsonFault? Find(ReadOnlySpan<byte> payload)
    {
        if (!PayloadJson.IsUtf8(payload))
        {
            var offset = FirstInvalidUtf8(payload);
            return new JsonFault(offset, $"invalid UTF-8 (byte 0x{payload[(int)offset]:X2})");
        }
        return FindInUtf8(payload);
    }

    /// <summary><see cref="Find"/> for a payload already known to be valid UTF-8; nesting deeper than <paramref name="maxDepth"/> is a fault.</summary>
    internal static JsonFault? FindInUtf8(ReadOnlySpan<byte> payload, int maxDepth = 64)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                // Only an escaped string can hide an unpaired surrogate; unescaped ones are the UTF-8 checked above.
                if (reader.ValueIsEscaped && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !Decodes(ref reader))
                    return new JsonFault(reader.TokenStartIndex, "a string escapes an unpaired surrogate (\\uD800-\\uDFFF): it is not valid Unicode");
            }
            return null;
        }
        catch (JsonException ex)
        {
            return new JsonFault(OffsetOf(payload, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0), ReasonOf(ex));
        }
    }

    private static bool Decodes(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // The reader reports a line (counting LF) and a byte position in it; clients are told one offset from the start.
    private static long OffsetOf(ReadOnlySpan<byte> payload, long line, long positionInLine)
    {
        long start = 0;
        for (long i = 0; i < line; i++)
        {
            var next = payload[(int)start..].IndexOf((byte)'\n');
            if (next < 0) break;
            start += next + 1;
        }
        return Math.Min(start + positionInLine, payload.Length);
    }

    // The exception's message ends with the line and position, which the offset already says.
    private static string ReasonOf(JsonException ex)
    {
        var message = ex.Message;
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at > 0 ? message[..at] : message).TrimEnd();
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> payload)
    {
        var offset = 0;
        while (offset < payload.Length)
        {
            if (Rune.DecodeFromUtf8(payload[offset..], out _, out var consumed) != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }
}

using System.Text;
using System.Text.Json;
using CsCheck;

namespace Rx.Mediation.Server.Specs.Properties;

/// <summary>
/// Generators for what clients send: mostly ordinary text, salted with what breaks parsers and output formats
/// (control characters, CR/LF, NUL, wildcards, '$', non-ASCII, surrogate halves that pair up only by chance,
/// invalid UTF-8, JSON that is nearly right).
/// </summary>
public static class IngestGen
{
    public static readonly Gen<char> Char = Gen.Frequency(
        (12, Gen.Char['a', 'z']),
        (3, Gen.Char["/+#$ .-_:@,;=&%"]),
        (2, Gen.Char["\0\t\r\n\u001b\u007f\u0085"]),
        (2, Gen.Char["éü€中"]),
        (1, Gen.Char["\ud83d\ude00\ud800\udc00"]));

    public static Gen<string> Text(int maxLength) => Char.Array[0, maxLength].Select(chars => new string(chars));

    /// <summary>Texts of Unicode scalar values only (what a client can send over HTTP or in decodable JSON).</summary>
    public static Gen<string> ValidText(int maxLength) => Text(maxLength).Select(ReplaceUnpairedSurrogates);

    public static readonly Gen<string> Topic = Gen.Frequency(
        (8, Text(40)),
        (1, Text(300)),
        (1, Gen.OneOf("", "#", "+", "a/#", "a/+/b", "$SYS/x", "events", "a\r\nb", "é", new string('é', 128), new string('é', 129))));

    /// <summary>Topics as they can arrive over HTTP, in a query string or header: Unicode scalar values only.</summary>
    public static readonly Gen<string> HttpTopic = Topic.Select(ReplaceUnpairedSurrogates);

    /// <summary>Header names and values HttpClient will send (Kestrel turns away the rest before the server sees them).</summary>
    public static readonly Gen<(string Name, string Value)> HttpHeader = Gen.Select(
        Gen.Frequency(
            (5, Gen.Char["abcdefghijklmnopqrstuvwxyz-"].Array[1, 16].Select(c => new string(c).Trim('-') is { Length: > 0 } name ? name : "h")),
            (1, Gen.OneOf("content-type", "Sender-Client-Id", "resume-id", "kafka-offset", "amqp-exchange", "mqtt-qos"))),
        Gen.Char[' ', '~'].Array[0, 30].Select(c => new string(c).Trim()));

    /// <summary>One JSON value as text: valid, nearly valid, or with an escape that decodes to no text.</summary>
    public static readonly Gen<string> JsonText = Gen.Frequency(
        (4, Gen.Select(ValidText(12), ValidText(12), Gen.Int[-1000, 1000], (k, v, n) => $"{{{Quote(k)}:{Quote(v)},\"n\":{n},\"a\":[true,null,{n}.5]}}")),
        (2, ValidText(20).Select(Quote)),
        (1, Gen.OneOf("{\"a\":\"\\ud800\"}", "\"\\udc00x\"", "{\"a\":1,}", "[1,2", "{\"a\" 1}", "1 2", "", "  ", "nul", "{\"k\":\"\\u0000\"}", "[[[[[[]]]]]]")),
        (1, Gen.Int[1, 80].Select(depth => new string('[', depth) + new string(']', depth))));

    /// <summary>Payload bytes: JSON-ish text, plain text, random bytes, and JSON with one byte broken.</summary>
    public static readonly Gen<byte[]> Payload = Gen.Frequency(
        (3, JsonText.Select(Encoding.UTF8.GetBytes)),
        (2, Text(60).Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Byte.Array[0, 64]),
        (2, Gen.Select(JsonText, Gen.Byte, Gen.Int, (json, b, at) =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            if (bytes.Length > 0) bytes[(at & int.MaxValue) % bytes.Length] = (byte)(b | 0x80);
            return bytes;
        })));

    public static readonly Gen<string> HeaderName = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Array[1, 12].Select(c => new string(c))),
        (2, Text(20)),
        (1, Gen.OneOf("content-type", "Sender-Client-Id", "resume-id", "kafka-offset", "amqp-exchange", "mqtt-qos", "batch-size", "x", new string('h', 200))));

    /// <summary>A WebSocket envelope as text: fields of the right or wrong kinds, and some that are not envelopes at all.</summary>
    public static readonly Gen<string> Envelope = Gen.Frequency(
        (6, Gen.Select(Topic, JsonText, HeaderName, Text(20), Gen.Bool, (topic, payload, name, value, base64) =>
            $"{{\"topic\":{Quote(topic)},\"payload\":{(payload.Length > 0 && JsonCheckable(payload) ? payload : Quote(payload))},\"headers\":{{{Quote(name)}:{Quote(value)}}}{(base64 ? ",\"encoding\":\"base64\"" : "")}}}")),
        (2, JsonText),
        (1, Gen.OneOf("{\"topic\":1}", "{\"headers\":[]}", "{\"payload\":\"not base64!\",\"encoding\":\"base64\"}", "{\"topic\":\"\\ud800\"}", "{\"headers\":{\"\\udc00\":\"v\"}}", "[]", "{}")));

    /// <summary>A JSON string literal for any text, lone surrogates written as escapes (as a hostile client could).</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (c < ' ' || char.IsSurrogate(c)) quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    private static bool JsonCheckable(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ReplaceUnpairedSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsSurrogate(chars[i])) continue;
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else chars[i] = '\ufffd';
        }
        return new string(chars);
    }
}

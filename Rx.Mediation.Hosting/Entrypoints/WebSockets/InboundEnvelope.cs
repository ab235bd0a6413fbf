using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// What a client sends in envelope mode: <c>{"topic": "…", "payload": …, "headers": {…}, "encoding": "base64"}</c>.
/// All fields are optional. A string payload is sent as its UTF-8 text (or decoded, with <c>"encoding":"base64"</c>);
/// any other JSON value is sent as its JSON text. The server sets <c>content-type</c> from that form; headers
/// follow <see cref="ClientHeaders"/>.
/// </summary>
public sealed record InboundEnvelope(string? Topic, ReadOnlyMemory<byte> Payload, EventHeaders Headers)
{
    private const string TextType = "text/plain; charset=utf-8";
    private const string JsonType = "application/json";
    private const string BinaryType = "application/octet-stream";

    public static bool TryParse(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out InboundEnvelope? envelope, [NotNullWhen(false)] out string? error)
    {
        envelope = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "an envelope must be a JSON object {topic, payload, headers}";
                return false;
            }
            string? topic = null;
            if (root.TryGetProperty("topic", out var topicElement))
            {
                if (topicElement.ValueKind != JsonValueKind.String)
                {
                    error = "envelope 'topic' must be a string";
                    return false;
                }
                topic = topicElement.GetString();
            }
            var base64 = root.TryGetProperty("encoding", out var encoding) && encoding.ValueKind == JsonValueKind.String
                && string.Equals(encoding.GetString(), "base64", StringComparison.OrdinalIgnoreCase);
            ReadOnlyMemory<byte> payload = ReadOnlyMemory<byte>.Empty;
            var contentType = TextType;
            if (root.TryGetProperty("payload", out var payloadElement))
            {
                if (payloadElement.ValueKind == JsonValueKind.String)
                {
                    if (base64)
                    {
                        if (!payloadElement.TryGetBytesFromBase64(out var bytes))
                        {
                            error = "envelope 'payload' is not valid base64";
                            return false;
                        }
                        payload = bytes;
                        contentType = BinaryType;
                    }
                    else
                    {
                        payload = Encoding.UTF8.GetBytes(payloadElement.GetString()!);
                    }
                }
                else if (payloadElement.ValueKind != JsonValueKind.Null)
                {
                    payload = Encoding.UTF8.GetBytes(payloadElement.GetRawText());
                    contentType = JsonType;
                }
            }
            var headers = EventHeaders.Empty;
            if (root.TryGetProperty("headers", out var headersElement))
            {
                if (headersElement.ValueKind != JsonValueKind.Object)
                {
                    error = "envelope 'headers' must be an object of strings";
                    return false;
                }
                foreach (var header in headersElement.EnumerateObject())
                {
                    var value = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
                    if (!ClientHeaders.TryAdd(ref headers, header.Name, value, out error)) return false;
                }
            }
            envelope = new InboundEnvelope(topic, payload, headers.With("content-type", contentType));
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the message is not a JSON envelope: {ex.Message}";
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string escaping an unpaired surrogate ("\ud800") parses, but is no text: it cannot be read as one.
            error = "the envelope has a string that is not valid Unicode (an escaped unpaired surrogate)";
            return false;
        }
    }
}

using System.Text;
using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Server.Entrypoints.WebSockets;

/// <summary>
/// What a client sends in envelope mode: <c>{"topic": "…", "payload": …, "headers": {…}, "encoding": "base64"}</c>.
/// All fields are optional. A string payload is sent as its UTF-8 text (or decoded, with <c>"encoding":"base64"</c>);
/// any other JSON value is sent as its JSON text.
/// </summary>
public sealed record InboundEnvelope(string? Topic, ReadOnlyMemory<byte> Payload, EventHeaders Headers)
{
    public static bool TryParse(ReadOnlyMemory<byte> json, out InboundEnvelope? envelope, out string? error)
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
                    }
                    else
                    {
                        payload = Encoding.UTF8.GetBytes(payloadElement.GetString()!);
                    }
                }
                else if (payloadElement.ValueKind != JsonValueKind.Null)
                {
                    payload = Encoding.UTF8.GetBytes(payloadElement.GetRawText());
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
                    headers = headers.With(header.Name, header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText());
                }
            }
            envelope = new InboundEnvelope(topic, payload, headers);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the message is not a JSON envelope: {ex.Message}";
            return false;
        }
    }
}

using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>The JSON shape of an event sent to web clients: <c>{id, topic, headers, payload, encoding, timestamp}</c>.</summary>
public static class EventJson
{
    public static void WriteProperties(Utf8JsonWriter writer, Event value)
    {
        writer.WriteString("id", value.Id);
        writer.WriteString("topic", value.Topic);
        writer.WriteStartObject("headers");
        foreach (var header in value.Headers) writer.WriteString(header.Key, header.Value);
        writer.WriteEndObject();
        WritePayload(writer, value.Payload.Span);
        writer.WriteString("timestamp", value.Timestamp);
        if (value.ClientId is not null) writer.WriteString("clientId", value.ClientId);
    }

    /// <summary>Writes <c>"payload": …</c> in its JSON, text or base64 form and <c>"encoding"</c> naming which.</summary>
    public static void WritePayload(Utf8JsonWriter writer, ReadOnlySpan<byte> payload)
    {
        writer.WritePropertyName("payload");
        writer.WriteString("encoding", PayloadJson.Write(writer, payload).ToName());
    }

    public static byte[] ToUtf8(Event value, string? type = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + value.Payload.Length * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (type is not null) writer.WriteString("type", type);
            WriteProperties(writer, value);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

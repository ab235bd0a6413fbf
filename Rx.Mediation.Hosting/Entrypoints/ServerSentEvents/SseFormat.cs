using System.Buffers;
using System.Text;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;

namespace Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;

/// <summary>
/// The <c>text/event-stream</c> wire format: <c>id:</c> (the id to resume after, <see cref="ResumeIds"/>: the event id,
/// or for a multi-partition Kafka topic every partition's position), <c>event:</c> (topic), one <c>data:</c> line per
/// payload line, then a blank line. Payloads that are not UTF-8 are sent as base64, announced by a
/// <c>: encoding=base64</c> comment (comments are ignored by EventSource).
/// </summary>
public static class SseFormat
{
    public static readonly byte[] Keepalive = ": keepalive\n\n"u8.ToArray();

    /// <summary>Writes <paramref name="value"/>; returns about how many bytes that took.</summary>
    public static long WriteEvent(IBufferWriter<byte> output, Event value) => WriteEvent(output, value, ResumeIds.Of(value));

    /// <summary>Writes <paramref name="value"/> under the id <paramref name="id"/> (a resuming client's position); returns about how many bytes that took.</summary>
    public static long WriteEvent(IBufferWriter<byte> output, Event value, string id)
    {
        var payload = value.Payload.Span;
        if (!PayloadJson.IsUtf8(payload))
        {
            Write(output, ": encoding=base64\n"u8);
            payload = Encoding.ASCII.GetBytes(Convert.ToBase64String(payload));
        }
        WriteField(output, "id: "u8, id);
        WriteField(output, "event: "u8, value.Topic);
        WriteData(output, payload);
        Write(output, "\n"u8);
        return payload.Length + id.Length + value.Topic.Length + 32;
    }

    /// <summary>Tells EventSource how long to wait before it reconnects (<c>retry:</c>, milliseconds).</summary>
    public static void WriteRetry(IBufferWriter<byte> output, TimeSpan wait) =>
        WriteField(output, "retry: "u8, ((long)wait.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void WriteComment(IBufferWriter<byte> output, string text)
    {
        Write(output, ": "u8);
        Write(output, Encoding.UTF8.GetBytes(SingleLine(text)));
        Write(output, "\n\n"u8);
    }

    /// <summary>Splits on CR LF, LF or CR, as the SSE parser does, so every payload line gets its own <c>data:</c>.</summary>
    private static void WriteData(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        while (true)
        {
            var end = payload.IndexOfAny((byte)'\r', (byte)'\n');
            Write(output, "data: "u8);
            if (end < 0)
            {
                Write(output, payload);
                Write(output, "\n"u8);
                return;
            }
            Write(output, payload[..end]);
            Write(output, "\n"u8);
            var skip = payload[end] == '\r' && end + 1 < payload.Length && payload[end + 1] == '\n' ? 2 : 1;
            payload = payload[(end + skip)..];
        }
    }

    private static void WriteField(IBufferWriter<byte> output, ReadOnlySpan<byte> name, string value)
    {
        Write(output, name);
        Write(output, Encoding.UTF8.GetBytes(SingleLine(value)));
        Write(output, "\n"u8);
    }

    // A line break inside a field would end it early and corrupt the stream.
    private static string SingleLine(string text) =>
        text.AsSpan().IndexOfAny('\r', '\n') < 0 ? text : text.Replace("\r", " ").Replace("\n", " ");

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}

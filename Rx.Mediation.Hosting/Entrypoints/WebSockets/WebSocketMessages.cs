using System.Buffers;
using System.Text.Json;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// The JSON control messages the server sends over a WebSocket, each with a <c>type</c>:
/// <list type="bullet">
/// <item><c>{"type":"authenticated","principal":…}</c> — the answer to a valid first-message credential
/// (<see cref="AuthMessage"/>), before the welcome.</item>
/// <item><c>{"type":"welcome","clientId":…,"topics":[…],"publishTopic":…,"envelope":bool}</c> — the first message (after
/// <c>authenticated</c> on a socket that sent its credential in a message).</item>
/// <item><c>{"type":"rejected","id":…,"topic":…,"status":"rejected|no-route","reason":…,"retryAfterMs":n|null}</c> — an inbound
/// message the routes did not take (the WebSocket equivalent of 503 / 404). <c>retryAfterMs</c> is set when retrying later may work.</item>
/// <item><c>{"type":"error","reason":…,"rule":…}</c> — an inbound message that could not be read (bad envelope, a
/// reserved header) or whose topic was refused (<c>rule</c> then names the topic rule broken).</item>
/// <item><c>{"type":"event",id,topic,headers,payload,encoding,timestamp}</c> — an event, in envelope mode.</item>
/// </list>
/// </summary>
public static class WebSocketMessages
{
    public static byte[] Welcome(string clientId, IReadOnlyList<TopicPattern> topics, string publishTopic, bool envelope) => Build(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("clientId", clientId);
        w.WriteStartArray("topics");
        foreach (var topic in topics) w.WriteStringValue(topic.Text);
        w.WriteEndArray();
        w.WriteString("publishTopic", publishTopic);
        w.WriteBoolean("envelope", envelope);
    });

    public static byte[] Authenticated(string? principal) => Build(w =>
    {
        w.WriteString("type", "authenticated");
        w.WriteString("principal", principal);
    });

    public static byte[] Rejected(Event value, string status, string reason, TimeSpan? retryAfter) => Build(w =>
    {
        w.WriteString("type", "rejected");
        w.WriteString("id", value.Id);
        w.WriteString("topic", value.Topic);
        w.WriteString("status", status);
        w.WriteString("reason", reason);
        if (retryAfter is { } wait) w.WriteNumber("retryAfterMs", (long)wait.TotalMilliseconds);
        else w.WriteNull("retryAfterMs");
    });

    /// <param name="rule">For a refused topic, the rule it broke (<see cref="TopicRules"/>).</param>
    public static byte[] Error(string reason, string? rule = null) => Build(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("reason", reason);
        if (rule is not null) w.WriteString("rule", rule);
    });

    public static byte[] Envelope(Event value) => EventJson.ToUtf8(value, "event");

    /// <summary><paramref name="text"/> cut to what a close frame carries: 123 bytes of UTF-8.</summary>
    public static string CloseReason(string text)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= 123) return text;
        var cut = text[..Math.Min(text.Length, 120)];
        while (System.Text.Encoding.UTF8.GetByteCount(cut) > 120) cut = cut[..^1];
        return cut + "...";
    }

    private static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

using System.Globalization;
using System.Text.Json;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// One packet log line's JSON (the schema in docs/operations/packet-log.md). Every field is always present, null where
/// it does not apply, so each line has the same shape.
/// </summary>
public static class PacketLine
{
    /// <summary>The discriminator: <c>"log":"packet"</c> tells these lines from the server's ordinary log lines.</summary>
    public const string Discriminator = "packet";

    private static readonly JsonEncodedText Log = JsonEncodedText.Encode("log");
    private static readonly JsonEncodedText Packet = JsonEncodedText.Encode(Discriminator);
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText StageName = JsonEncodedText.Encode("stage");
    private static readonly JsonEncodedText RouteName = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("eventId");
    private static readonly JsonEncodedText KindName = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText TargetName = JsonEncodedText.Encode("target");
    private static readonly JsonEncodedText DirectionName = JsonEncodedText.Encode("direction");
    private static readonly JsonEncodedText TopicName = JsonEncodedText.Encode("topic");
    private static readonly JsonEncodedText ClientIdName = JsonEncodedText.Encode("clientId");
    private static readonly JsonEncodedText PayloadBytesName = JsonEncodedText.Encode("payloadBytes");
    private static readonly JsonEncodedText LatencyMsName = JsonEncodedText.Encode("latencyMs");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText AtName = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText In = JsonEncodedText.Encode("in");
    private static readonly JsonEncodedText Out = JsonEncodedText.Encode("out");
    private static readonly JsonEncodedText[] Stages = Enum.GetValues<FlowStage>().Select(s => JsonEncodedText.Encode(s.ToName())).ToArray();
    private static readonly JsonEncodedText[] Kinds = Enum.GetValues<EventKind>().Select(k => JsonEncodedText.Encode(k.ToString().ToLowerInvariant())).ToArray();

    /// <summary>The failing step's name when a target failed (<c>to:&lt;target&gt;</c>).</summary>
    private const string TargetPrefix = "to:";

    /// <summary>Writes one line's JSON object (no newline).</summary>
    public static void Write(Utf8JsonWriter json, in PacketLogEntry entry)
    {
        var record = entry.Record;
        var value = record.Event;
        json.WriteStartObject();
        json.WriteString(Log, Packet);
        Span<byte> text = stackalloc byte[40];
        // "O" of a UTC DateTime: 2026-11-25T07:17:29.1832580Z, fixed width, and the runtime's fastest date format.
        record.Timestamp.UtcDateTime.TryFormat(text, out var length, "O", CultureInfo.InvariantCulture);
        json.WriteString(TimestampName, text[..length]);
        json.WriteString(StageName, Stages[(int)record.Stage]);
        if (entry.AtEntrypoint) json.WriteNull(RouteName);
        else json.WriteString(RouteName, record.Route);
        json.WriteString(EventIdName, value.Id);
        json.WriteString(KindName, (int)value.Kind < Kinds.Length ? Kinds[(int)value.Kind] : JsonEncodedText.Encode(value.Kind.ToString()));
        json.WriteString(SourceName, value.Source);
        WriteNullable(json, TargetName, TargetOf(entry));
        json.WriteString(DirectionName, IsOutbound(entry) ? Out : In);
        json.WriteString(TopicName, value.Topic);
        WriteNullable(json, ClientIdName, value.ClientId);
        json.WriteNumber(PayloadBytesName, value.Payload.Length);
        json.WritePropertyName(LatencyMsName);
        json.WriteRawValue(Milliseconds(record.Latency, text), skipInputValidation: true);
        WriteNullable(json, ReasonName, record.Stage is FlowStage.Dropped or FlowStage.Failed ? record.Reason : null);
        WriteNullable(json, AtName, record.Stage == FlowStage.Failed ? record.Node : null);
        json.WriteEndObject();
    }

    /// <summary>
    /// "in": the event had not left the route (received; dropped by the bridge; failed in an operator). "out": it was on
    /// its way to, or at, a target (routed; delivered; failed at a target; dropped by an entrypoint's slow-client queue).
    /// </summary>
    public static bool IsOutbound(in PacketLogEntry entry) => entry.Record.Stage switch
    {
        FlowStage.Routed or FlowStage.Delivered => true,
        FlowStage.Dropped => entry.AtEntrypoint,
        FlowStage.Failed => entry.Record.Node?.StartsWith(TargetPrefix, StringComparison.Ordinal) == true,
        _ => false,
    };

    /// <summary>The target: delivered to, failed at, or (slow-client drop) the entrypoint whose client could not keep up.</summary>
    public static string? TargetOf(in PacketLogEntry entry) => entry.Record.Stage switch
    {
        FlowStage.Delivered => entry.Record.Node,
        FlowStage.Dropped when entry.AtEntrypoint => entry.Record.Node,
        FlowStage.Failed when entry.Record.Node?.StartsWith(TargetPrefix, StringComparison.Ordinal) == true => entry.Record.Node[TargetPrefix.Length..],
        _ => null,
    };

    /// <summary>Milliseconds with three decimals (microseconds), as JSON number text: "0.025", "17.66" is "17.660".</summary>
    private static ReadOnlySpan<byte> Milliseconds(TimeSpan latency, Span<byte> buffer)
    {
        // Formatting a long is several times cheaper than formatting a double.
        var micros = Math.Max(0, latency.Ticks / TimeSpan.TicksPerMicrosecond);
        ((ulong)(micros / 1000)).TryFormat(buffer, out var whole, provider: CultureInfo.InvariantCulture);
        buffer[whole] = (byte)'.';
        ((ulong)(micros % 1000)).TryFormat(buffer[(whole + 1)..], out var fraction, "000", CultureInfo.InvariantCulture);
        return buffer[..(whole + 1 + fraction)];
    }

    private static void WriteNullable(Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}

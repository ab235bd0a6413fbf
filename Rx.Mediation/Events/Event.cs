using System.Text;

namespace Rx.Mediation.Events;

/// <summary>
/// One immutable message flowing through the engine: from an entrypoint or endpoint (its <see cref="Source"/>),
/// through routes, to targets. Transformations return new events (<c>With…</c>) and leave the original untouched,
/// so several routes can share one instance safely.
/// </summary>
public sealed class Event
{
    private string? _id;
    private readonly long _sequence;

    private Event(
        string? id, long sequence, string source, string? clientId, string topic, ReadOnlyMemory<byte> payload,
        EventHeaders headers, DateTimeOffset timestamp, EventKind kind, IReadOnlyList<Event>? batch)
    {
        _id = id;
        _sequence = sequence;
        Source = source;
        ClientId = clientId;
        Topic = topic;
        Payload = payload;
        Headers = headers;
        Timestamp = timestamp;
        Kind = kind;
        Batch = batch;
    }

    /// <summary>Unique id: given by the source (e.g. a broker position) or generated, ordered by creation.</summary>
    public string Id => _id ??= EventIds.Format(_sequence);

    /// <summary>
    /// <see cref="Id"/> as UTF-8 bytes (a broker message key), written straight from the sequence for a generated id
    /// that nobody has read as a string yet: no string is made for it.
    /// </summary>
    public byte[] IdUtf8() => _id is { } id ? Encoding.UTF8.GetBytes(id) : EventIds.FormatUtf8(_sequence);

    /// <summary>Name of the entrypoint or endpoint the event came from.</summary>
    public string Source { get; }

    /// <summary>The web client that sent it, or the single client it is addressed to; null for broadcasts.</summary>
    public string? ClientId { get; }

    /// <summary>Kafka topic, MQTT topic, AMQP routing key or web topic.</summary>
    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public EventHeaders Headers { get; }

    public DateTimeOffset Timestamp { get; }

    public EventKind Kind { get; }

    /// <summary>The events a Buffer collected into this one, so a target can send them as one batch; null otherwise.</summary>
    public IReadOnlyList<Event>? Batch { get; }

    /// <summary>How many source events this event carries: the batch size, or 1.</summary>
    public int Weight => Batch?.Count ?? 1;

    public string? Header(string name) => Headers[name];

    /// <summary>The payload decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string Text => Encoding.UTF8.GetString(Payload.Span);

    public static Event Create(
        string source,
        string topic,
        ReadOnlyMemory<byte> payload,
        EventHeaders headers = default,
        string? clientId = null,
        DateTimeOffset? timestamp = null,
        string? id = null,
        EventKind kind = EventKind.Data)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(topic);
        return new Event(id, id is null ? EventIds.NextSequence() : 0, source, clientId, topic, payload, headers,
            timestamp ?? DateTimeOffset.UtcNow, kind, null);
    }

    public static Event FromText(string source, string topic, string text, EventHeaders headers = default, string? clientId = null, DateTimeOffset? timestamp = null) =>
        Create(source, topic, Encoding.UTF8.GetBytes(text), headers, clientId, timestamp);

    public static Event Connect(string source, string clientId, string topic = "", DateTimeOffset? timestamp = null) =>
        Create(source, topic, ReadOnlyMemory<byte>.Empty, default, clientId, timestamp, kind: EventKind.Connect);

    public static Event Disconnect(string source, string clientId, string topic = "", string? reason = null, DateTimeOffset? timestamp = null) =>
        Create(source, topic, ReadOnlyMemory<byte>.Empty, reason is null ? default : EventHeaders.From(("reason", reason)), clientId, timestamp, kind: EventKind.Disconnect);

    /// <summary>One event standing for a batch: <paramref name="payload"/> is its serialized form, <paramref name="members"/> the originals.</summary>
    public static Event CreateBatch(string source, string topic, IReadOnlyList<Event> members, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, EventHeaders headers = default) =>
        new(null, EventIds.NextSequence(), source, null, topic, payload, headers, timestamp, EventKind.Data, members);

    public Event WithPayload(ReadOnlyMemory<byte> payload) => Copy(payload: payload, keepBatch: false);

    public Event WithText(string text) => WithPayload(Encoding.UTF8.GetBytes(text));

    public Event WithTopic(string topic) => Copy(topic: topic ?? throw new ArgumentNullException(nameof(topic)));

    public Event WithSource(string source) => Copy(source: source ?? throw new ArgumentNullException(nameof(source)));

    public Event WithClientId(string? clientId) => new(_id, _sequence, Source, clientId, Topic, Payload, Headers, Timestamp, Kind, Batch);

    public Event WithHeader(string name, string value) => Copy(headers: Headers.With(name, value));

    public Event WithoutHeader(string name) => Copy(headers: Headers.Without(name));

    public Event WithHeaders(EventHeaders headers) => Copy(headers: headers);

    /// <summary>Same content under a new id, e.g. when a route deliberately fans one input out into several distinct events.</summary>
    public Event WithId(string id) => new(id ?? throw new ArgumentNullException(nameof(id)), 0, Source, ClientId, Topic, Payload, Headers, Timestamp, Kind, Batch);

    public override string ToString() =>
        Kind == EventKind.Data
            ? $"{Id} {Source}:{Topic} {Payload.Length}B{(Headers.IsEmpty ? "" : " " + Headers)}"
            : $"{Id} {Kind} {Source}:{ClientId}";

    // The id is carried over: a transformed event is still the same message for tracing and SSE resume.
    private Event Copy(string? source = null, string? topic = null, ReadOnlyMemory<byte>? payload = null, EventHeaders? headers = null, bool keepBatch = true) =>
        new(_id, _sequence, source ?? Source, ClientId, topic ?? Topic, payload ?? Payload, headers ?? Headers, Timestamp, Kind, keepBatch ? Batch : null);
}

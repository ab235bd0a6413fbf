using Rx.Mediation.Events;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>
/// An event as a flow test sees it: topic, payload text and headers. Expected values match actual ones when topic
/// and text are equal and every expected header is present with the same value (extra actual headers are fine).
/// </summary>
public sealed record FlowEvent(string Topic, string Text, EventHeaders Headers = default, EventKind Kind = EventKind.Data)
{
    public const string DefaultTopic = "events";

    public static FlowEvent Of(Event value) => new(value.Topic, value.Text, value.Headers, value.Kind);

    /// <summary>A data event on <see cref="DefaultTopic"/> (or <paramref name="topic"/>) with optional headers.</summary>
    public static FlowEvent Data(string text, string topic = DefaultTopic, params (string Name, string Value)[] headers) =>
        new(topic, text, EventHeaders.From(headers));

    public Event ToEvent(string source, DateTimeOffset timestamp) =>
        Kind == EventKind.Data
            ? Event.FromText(source, Topic, Text, Headers, timestamp: timestamp)
            : Event.Create(source, Topic, System.Text.Encoding.UTF8.GetBytes(Text), Headers, clientId: Text, timestamp: timestamp, kind: Kind);

    public override string ToString() =>
        $"{(Kind == EventKind.Data ? "" : Kind + " ")}{Topic}:{Text}{(Headers.IsEmpty ? "" : " " + Headers)}";

    /// <summary>The comparison flow expectations use (see the type's summary).</summary>
    public static IEqualityComparer<FlowEvent> Matching { get; } = new MatchingComparer();

    private sealed class MatchingComparer : IEqualityComparer<FlowEvent>
    {
        public bool Equals(FlowEvent? expected, FlowEvent? actual)
        {
            if (expected is null || actual is null) return ReferenceEquals(expected, actual);
            if (expected.Kind != actual.Kind || expected.Topic != actual.Topic || expected.Text != actual.Text) return false;
            foreach (var header in expected.Headers)
            {
                if (actual.Headers[header.Key] != header.Value) return false;
            }
            return true;
        }

        public int GetHashCode(FlowEvent value) => HashCode.Combine(value.Topic, value.Text);
    }
}

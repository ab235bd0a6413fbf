using Rx.Mediation.Events;

namespace Rx.Mediation.Buffers;

/// <summary>One event held by a <see cref="TopicLog"/>: in its topic's history and in the log's sequence order at once.</summary>
internal sealed class LogEntry(long sequence, Event value, long bytes, TopicHistory topic)
{
    public long Sequence { get; } = sequence;

    public Event Event { get; } = value;

    public long Bytes { get; } = bytes;

    public TopicHistory Topic { get; } = topic;

    /// <summary>Some client had it: a read returned it, or it was delivered live.</summary>
    public bool Read { get; set; }

    public bool Evicted { get; set; }

    public LoggedEvent Logged => new(Sequence, Event);
}

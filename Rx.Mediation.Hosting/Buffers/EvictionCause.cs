namespace Rx.Mediation.Hosting.Buffers;

/// <summary>Which bound of a <see cref="TopicLog"/> made it let an event go.</summary>
public enum EvictionCause
{
    /// <summary>The topic held <see cref="TopicLogLimits.EventsPerTopic"/> events.</summary>
    TopicEvents,

    /// <summary>The topic held <see cref="TopicLogLimits.BytesPerTopic"/> bytes.</summary>
    TopicBytes,

    /// <summary>The log held <see cref="TopicLogLimits.Bytes"/> bytes in all.</summary>
    Bytes,

    /// <summary>The log held <see cref="TopicLogLimits.Topics"/> topics: the least recently written was forgotten.</summary>
    Topics,
}

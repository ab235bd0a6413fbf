namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// The bounds of a <see cref="TopicLog"/>. Bytes are counted as <see cref="EventFootprint"/> counts them. A topic never
/// holds more than the whole log; the newest event is always kept, even one larger than a byte bound.
/// </summary>
public sealed record TopicLogLimits
{
    public const long MiB = 1024 * 1024;

    /// <summary>Events kept per topic; past it, the topic's oldest event goes.</summary>
    public int EventsPerTopic { get; init; } = 1024;

    /// <summary>Bytes kept per topic; past it, the topic's oldest events go.</summary>
    public long BytesPerTopic { get; init; } = 8 * MiB;

    /// <summary>Bytes kept in all, topics included; past it, the oldest events of any topic go.</summary>
    public long Bytes { get; init; } = 64 * MiB;

    /// <summary>Topics kept; past it, the least recently written topic is forgotten with its events.</summary>
    public int Topics { get; init; } = 10_000;

    internal void Validate()
    {
        if (EventsPerTopic < 1) throw new ArgumentOutOfRangeException(nameof(EventsPerTopic), EventsPerTopic, "must be at least 1");
        if (BytesPerTopic < 1) throw new ArgumentOutOfRangeException(nameof(BytesPerTopic), BytesPerTopic, "must be at least 1");
        if (Bytes < 1) throw new ArgumentOutOfRangeException(nameof(Bytes), Bytes, "must be at least 1");
        if (Topics < 1) throw new ArgumentOutOfRangeException(nameof(Topics), Topics, "must be at least 1");
    }
}

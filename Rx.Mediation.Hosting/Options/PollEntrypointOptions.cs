using Rx.Mediation.Hosting.Buffers;

namespace Rx.Mediation.Hosting.Options;

public sealed class PollEntrypointOptions : EntrypointOptions
{
    public PollEntrypointOptions()
    {
        Name = "poll";
        Path = "/poll";
    }

    /// <summary>Events kept per topic for polling clients.</summary>
    public int CapacityPerTopic { get; set; } = 1024;

    /// <summary>Topics kept; past this, the least recently written topic is forgotten.</summary>
    public int MaxTopics { get; set; } = 10_000;

    /// <summary>Bytes kept per topic (payload, strings, and about 320 bytes an event); past this, the topic's oldest events go.</summary>
    public long MaxBytesPerTopic { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes kept in all, across topics; past this, the oldest events of any topic go.</summary>
    public long MaxBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Bytes of events one answer carries at most, counted as the buffer counts them: a page ends before the event that
    /// would pass it (<c>limit</c> is a maximum), and always carries at least one event.
    /// </summary>
    public long MaxPageBytes { get; set; } = 4 * 1024 * 1024;

    internal TopicLogLimits Limits => new()
    {
        EventsPerTopic = CapacityPerTopic,
        BytesPerTopic = MaxBytesPerTopic,
        Bytes = MaxBytes,
        Topics = MaxTopics,
    };

    /// <summary>How long a poll without <c>?timeout=</c> waits for an event: a true long poll by default.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Cap on <c>?timeout=</c>, below the usual 60 s idle timeouts of proxies.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromSeconds(55);

    public int DefaultLimit { get; set; } = 100;

    public int MaxLimit { get; set; } = 1000;

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (!Enabled) yield break;
        if (CapacityPerTopic < 1) yield return new(nameof(CapacityPerTopic), $"{name(nameof(CapacityPerTopic))} must be at least 1, got {CapacityPerTopic}");
        if (MaxTopics < 1) yield return new(nameof(MaxTopics), $"{name(nameof(MaxTopics))} must be at least 1, got {MaxTopics}");
        if (MaxBytesPerTopic < 1) yield return new(nameof(MaxBytesPerTopic), $"{name(nameof(MaxBytesPerTopic))} must be at least 1, got {MaxBytesPerTopic}");
        if (MaxBytes < 1) yield return new(nameof(MaxBytes), $"{name(nameof(MaxBytes))} must be at least 1, got {MaxBytes}");
        if (MaxPageBytes < 1) yield return new(nameof(MaxPageBytes), $"{name(nameof(MaxPageBytes))} must be at least 1, got {MaxPageBytes}");
        if (DefaultTimeout < TimeSpan.Zero || DefaultTimeout > MaxTimeout) yield return new(nameof(DefaultTimeout), $"{name(nameof(DefaultTimeout))} must be between 0 and {name(nameof(MaxTimeout))} ({MaxTimeout}), got {DefaultTimeout}");
        if (DefaultLimit < 1 || DefaultLimit > MaxLimit) yield return new(nameof(DefaultLimit), $"{name(nameof(DefaultLimit))} must be between 1 and {name(nameof(MaxLimit))} ({MaxLimit}), got {DefaultLimit}");
    }
}

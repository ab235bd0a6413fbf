using Rx.Mediation.Hosting.Buffers;

namespace Rx.Mediation.Hosting.Options;

public sealed class SseEntrypointOptions : StreamingEntrypointOptions
{
    public SseEntrypointOptions()
    {
        Name = "sse";
        Path = "/sse";
    }

    /// <summary>A <c>: keepalive</c> comment is written this often, so proxies keep idle streams open.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events kept per topic for <c>Last-Event-ID</c> resume.</summary>
    public int ReplayCapacityPerTopic { get; set; } = 1024;

    /// <summary>Topics kept for resume; past this, the least recently written topic is forgotten.</summary>
    public int ReplayMaxTopics { get; set; } = 10_000;

    /// <summary>Bytes kept per topic for resume (payload, strings, and about 320 bytes an event); past this, the topic's oldest events go.</summary>
    public long ReplayMaxBytesPerTopic { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes kept for resume in all, across topics; past this, the oldest events of any topic go.</summary>
    public long ReplayMaxBytes { get; set; } = 64 * 1024 * 1024;

    internal TopicLogLimits ReplayLimits => new()
    {
        EventsPerTopic = ReplayCapacityPerTopic,
        BytesPerTopic = ReplayMaxBytesPerTopic,
        Bytes = ReplayMaxBytes,
        Topics = ReplayMaxTopics,
    };

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (!Enabled) yield break;
        if (HeartbeatInterval <= TimeSpan.Zero) yield return new(nameof(HeartbeatInterval), $"{name(nameof(HeartbeatInterval))} must be positive, got {HeartbeatInterval}");
        if (ReplayCapacityPerTopic < 1) yield return new(nameof(ReplayCapacityPerTopic), $"{name(nameof(ReplayCapacityPerTopic))} must be at least 1, got {ReplayCapacityPerTopic}");
        if (ReplayMaxTopics < 1) yield return new(nameof(ReplayMaxTopics), $"{name(nameof(ReplayMaxTopics))} must be at least 1, got {ReplayMaxTopics}");
        if (ReplayMaxBytesPerTopic < 1) yield return new(nameof(ReplayMaxBytesPerTopic), $"{name(nameof(ReplayMaxBytesPerTopic))} must be at least 1, got {ReplayMaxBytesPerTopic}");
        if (ReplayMaxBytes < 1) yield return new(nameof(ReplayMaxBytes), $"{name(nameof(ReplayMaxBytes))} must be at least 1, got {ReplayMaxBytes}");
    }
}

namespace Rx.Mediation.Server.Options;

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

    internal override IEnumerable<string> Validate(string section)
    {
        foreach (var error in base.Validate(section)) yield return error;
        if (!Enabled) yield break;
        if (HeartbeatInterval <= TimeSpan.Zero) yield return $"{section}:HeartbeatInterval must be positive, got {HeartbeatInterval}";
        if (ReplayCapacityPerTopic < 1) yield return $"{section}:ReplayCapacityPerTopic must be at least 1, got {ReplayCapacityPerTopic}";
        if (ReplayMaxTopics < 1) yield return $"{section}:ReplayMaxTopics must be at least 1, got {ReplayMaxTopics}";
    }
}

using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Hosting.Buffers;

namespace Rx.Mediation.Hosting.Options;

public sealed class SseEntrypointOptions : StreamingEntrypointOptions
{
    public SseEntrypointOptions()
    {
        Name = "sse";
        Path = "/sse";
    }

    [Setting("A `: keepalive` comment is written this often, so proxies keep idle streams open.")]
    [Positive]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    [Setting("Events kept per topic for `Last-Event-ID` resume.")]
    [AtLeast(1)]
    public int ReplayCapacityPerTopic { get; set; } = 1024;

    [Setting("Topics kept for resume; past this, the least recently written topic is forgotten.")]
    [AtLeast(1)]
    public int ReplayMaxTopics { get; set; } = 10_000;

    [Setting("Bytes kept per topic for resume (payload, strings, and about 320 bytes an event); past this, the topic's oldest events go.")]
    [AtLeast(1)]
    public long ReplayMaxBytesPerTopic { get; set; } = 8 * 1024 * 1024;

    [Setting("Bytes kept for resume in all, across topics; past this, the oldest events of any topic go.")]
    [AtLeast(1)]
    public long ReplayMaxBytes { get; set; } = 64 * 1024 * 1024;

    internal TopicLogLimits ReplayLimits => new()
    {
        EventsPerTopic = ReplayCapacityPerTopic,
        BytesPerTopic = ReplayMaxBytesPerTopic,
        Bytes = ReplayMaxBytes,
        Topics = ReplayMaxTopics,
    };
}

using Rx.Mediation.Connectors.Settings;
using Rx.Mediation.Hosting.Buffers;

namespace Rx.Mediation.Hosting.Options;

public sealed class PollEntrypointOptions : EntrypointOptions
{
    public PollEntrypointOptions()
    {
        Name = "poll";
        Path = "/poll";
    }

    [Setting("Events kept per topic for polling clients.")]
    [AtLeast(1)]
    public int CapacityPerTopic { get; set; } = 1024;

    [Setting("Topics kept; past this, the least recently written topic is forgotten.")]
    [AtLeast(1)]
    public int MaxTopics { get; set; } = 10_000;

    [Setting("Bytes kept per topic (payload, strings, and about 320 bytes an event); past this, the topic's oldest events go.")]
    [AtLeast(1)]
    public long MaxBytesPerTopic { get; set; } = 8 * 1024 * 1024;

    [Setting("Bytes kept in all, across topics; past this, the oldest events of any topic go.")]
    [AtLeast(1)]
    public long MaxBytes { get; set; } = 64 * 1024 * 1024;

    [Setting("Bytes of events one answer carries at most, counted as the buffer counts them: a page ends before the event that would pass it (`limit` is a maximum), and always carries at least one event.")]
    [AtLeast(1)]
    public long MaxPageBytes { get; set; } = 4 * 1024 * 1024;

    internal TopicLogLimits Limits => new()
    {
        EventsPerTopic = CapacityPerTopic,
        BytesPerTopic = MaxBytesPerTopic,
        Bytes = MaxBytes,
        Topics = MaxTopics,
    };

    [Setting("How long a poll without `?timeout=` waits for an event: a true long poll by default. At most `MaxTimeout`.")]
    [AtLeast("0s")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(25);

    [Setting("Cap on `?timeout=`, below the usual 60 s idle timeouts of proxies.")]
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromSeconds(55);

    [Setting("Events in an answer when the poll gives no `?limit=`; at most `MaxLimit`.")]
    public int DefaultLimit { get; set; } = 100;

    [Setting("Cap on `?limit=`.")]
    public int MaxLimit { get; set; } = 1000;

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (!Enabled) yield break;
        if (DefaultTimeout >= TimeSpan.Zero && DefaultTimeout > MaxTimeout) yield return new(nameof(DefaultTimeout), $"{name(nameof(DefaultTimeout))} must be between 0 and {name(nameof(MaxTimeout))} ({MaxTimeout}), got {DefaultTimeout}");
        if (DefaultLimit < 1 || DefaultLimit > MaxLimit) yield return new(nameof(DefaultLimit), $"{name(nameof(DefaultLimit))} must be between 1 and {name(nameof(MaxLimit))} ({MaxLimit}), got {DefaultLimit}");
    }
}

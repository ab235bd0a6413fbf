namespace Rx.Mediation.Server.Options;

public sealed class PollEntrypointOptions : EntrypointOptions
{
    public PollEntrypointOptions()
    {
        Name = "poll";
        Path = "/poll";
    }

    /// <summary>Events kept per topic for polling clients.</summary>
    public int CapacityPerTopic { get; set; } = 1024;

    public int MaxTopics { get; set; } = 10_000;

    /// <summary>How long a poll without <c>?timeout=</c> waits for an event: a true long poll by default.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Cap on <c>?timeout=</c>, below the usual 60 s idle timeouts of proxies.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromSeconds(55);

    public int DefaultLimit { get; set; } = 100;

    public int MaxLimit { get; set; } = 1000;

    internal override IEnumerable<string> Validate(string section)
    {
        foreach (var error in base.Validate(section)) yield return error;
        if (!Enabled) yield break;
        if (CapacityPerTopic < 1) yield return $"{section}:CapacityPerTopic must be at least 1, got {CapacityPerTopic}";
        if (MaxTopics < 1) yield return $"{section}:MaxTopics must be at least 1, got {MaxTopics}";
        if (DefaultTimeout < TimeSpan.Zero || DefaultTimeout > MaxTimeout) yield return $"{section}:DefaultTimeout must be between 0 and MaxTimeout ({MaxTimeout}), got {DefaultTimeout}";
        if (DefaultLimit < 1 || DefaultLimit > MaxLimit) yield return $"{section}:DefaultLimit must be between 1 and MaxLimit ({MaxLimit}), got {DefaultLimit}";
    }
}

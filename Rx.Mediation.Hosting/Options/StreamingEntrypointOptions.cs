using Rx.Mediation.Hosting.Clients;

namespace Rx.Mediation.Hosting.Options;

/// <summary>Entrypoints that push to connected clients: each client has a bounded send queue.</summary>
public abstract class StreamingEntrypointOptions : EntrypointOptions
{
    /// <summary>Events queued per client before <see cref="SlowClientPolicy"/> applies.</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Bytes queued per client before <see cref="SlowClientPolicy"/> applies, counted as the buffers count them
    /// (payload, strings, and about 320 bytes an event). One event larger than this still goes into an empty queue.
    /// </summary>
    public long SendQueueMaxBytes { get; set; } = 8 * 1024 * 1024;

    public SlowClientPolicy SlowClientPolicy { get; set; } = SlowClientPolicy.DropOldest;

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (!Enabled) yield break;
        if (SendQueueCapacity < 1) yield return new(nameof(SendQueueCapacity), $"{name(nameof(SendQueueCapacity))} must be at least 1, got {SendQueueCapacity}");
        if (SendQueueMaxBytes < 1) yield return new(nameof(SendQueueMaxBytes), $"{name(nameof(SendQueueMaxBytes))} must be at least 1, got {SendQueueMaxBytes}");
    }
}

using Rx.Mediation.Clients;

namespace Rx.Mediation.Server.Options;

/// <summary>Entrypoints that push to connected clients: each client has a bounded send queue.</summary>
public abstract class StreamingEntrypointOptions : EntrypointOptions
{
    /// <summary>Events queued per client before <see cref="SlowClientPolicy"/> applies.</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    public SlowClientPolicy SlowClientPolicy { get; set; } = SlowClientPolicy.DropOldest;

    internal override IEnumerable<SettingProblem> Validate(Func<string, string> name)
    {
        foreach (var error in base.Validate(name)) yield return error;
        if (Enabled && SendQueueCapacity < 1) yield return new(nameof(SendQueueCapacity), $"{name(nameof(SendQueueCapacity))} must be at least 1, got {SendQueueCapacity}");
    }
}

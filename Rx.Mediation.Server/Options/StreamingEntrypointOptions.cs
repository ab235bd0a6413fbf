using Rx.Mediation.Clients;

namespace Rx.Mediation.Server.Options;

/// <summary>Entrypoints that push to connected clients: each client has a bounded send queue.</summary>
public abstract class StreamingEntrypointOptions : EntrypointOptions
{
    /// <summary>Events queued per client before <see cref="SlowClientPolicy"/> applies.</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    public SlowClientPolicy SlowClientPolicy { get; set; } = SlowClientPolicy.DropOldest;

    internal override IEnumerable<string> Validate(string section)
    {
        foreach (var error in base.Validate(section)) yield return error;
        if (Enabled && SendQueueCapacity < 1) yield return $"{section}:SendQueueCapacity must be at least 1, got {SendQueueCapacity}";
    }
}

using System.Reactive.Concurrency;

namespace Rx.Mediation.Engine;

public sealed record EngineOptions
{
    /// <summary>Runs bridge drains and time-based operators. Tests pass a virtual-time scheduler.</summary>
    public IScheduler Scheduler { get; init; } = TaskPoolScheduler.Default;

    /// <summary>How long routes may take to drain their bridges at shutdown or when replaced; what remains is dropped and counted.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

using System.Reactive.Concurrency;

namespace Rx.Mediation.Engine;

public sealed record EngineOptions
{
    /// <summary>Runs bridge drains and time-based operators. Tests pass a virtual-time scheduler.</summary>
    public IScheduler Scheduler { get; init; } = FairTaskPool;

    /// <summary>
    /// The thread pool, with every work item queued in arrival order. A drain that yields and schedules its next pass
    /// from a pool thread would otherwise go to that thread's own queue, served first and last-in-first-out, and take
    /// the thread straight back: the work it yielded to (a web client's writer, a request) would wait for it to run dry.
    /// </summary>
    public static IScheduler FairTaskPool { get; } = new TaskPoolScheduler(new TaskFactory(TaskCreationOptions.PreferFairness, TaskContinuationOptions.None));

    /// <summary>How long routes may take to drain their bridges at shutdown or when replaced; what remains is dropped and counted.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

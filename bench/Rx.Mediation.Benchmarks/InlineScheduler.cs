using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Runs immediate work on the calling thread and allocates nothing for it (Rx's ImmediateScheduler allocates an
/// AsyncLockScheduler per call). With it, a bridge drains inside the producer's Offer, so a route runs on one thread:
/// an experiment that shows the route's own CPU and allocation cost without any cross-thread hand-off.
/// Timed work (backpressure and drain timeouts) goes to the task pool.
/// </summary>
public sealed class InlineScheduler : IScheduler
{
    public static InlineScheduler Instance { get; } = new();

    public DateTimeOffset Now => TaskPoolScheduler.Default.Now;

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        action(this, state);
        return Disposable.Empty;
    }

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        dueTime <= TimeSpan.Zero ? Schedule(state, action) : TaskPoolScheduler.Default.Schedule(state, dueTime, action);

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, dueTime - Now, action);
}

using System.Reactive.Concurrency;

namespace Rx.Mediation.Specs.Support;

/// <summary>Never runs immediate work (a stuck drain); timed work runs on the inner virtual clock.</summary>
public sealed class HoldingScheduler(IScheduler inner) : IScheduler
{
    public DateTimeOffset Now => inner.Now;

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) => System.Reactive.Disposables.Disposable.Empty;

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) => inner.Schedule(state, dueTime, action);

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) => inner.Schedule(state, dueTime, action);
}

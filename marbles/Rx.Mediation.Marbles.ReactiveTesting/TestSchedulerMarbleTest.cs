using System.Reactive.Disposables;
using Microsoft.Reactive.Testing;

namespace Rx.Mediation.Marbles.ReactiveTesting;

/// <summary>
/// The marble kit's run-mode facade (<see cref="MarbleTest"/>) on a Microsoft.Reactive.Testing <see cref="TestScheduler"/>,
/// for tests that already use one. <see cref="Hot{T}"/> and <see cref="Cold{T}"/> build the TestScheduler's own
/// <see cref="ITestableObservable{T}"/> from a diagram (one frame = <see cref="MarbleScheduler.Frame"/> ticks);
/// expectations and their failure output are the kit's. Everything the TestScheduler schedules follows its rules,
/// above all clock + 1 for work due at or before its clock; docs/marbles.md lists what that changes.
/// </summary>
public sealed class TestSchedulerMarbleTest
{
    private readonly MarbleExpectations _expectations;

    public TestSchedulerMarbleTest(TestScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        Scheduler = scheduler;
        _expectations = new MarbleExpectations(scheduler, RunAt);
    }

    /// <summary>The scheduler given; pass it to the operators under test.</summary>
    public TestScheduler Scheduler { get; }

    /// <summary>When set, <see cref="Run"/> advances virtual time only up to this time instead of running until the queue is empty.</summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>A TestScheduler cold observable of one-character strings (no values map).</summary>
    public ITestableObservable<string> Cold(string marbles, Exception? error = null) => Cold<string>(marbles, null, error);

    /// <summary>
    /// A TestScheduler cold observable of the diagram (<c>^</c> not allowed). Each subscription schedules the messages
    /// relative to its own time; one at relative 0 arrives one tick after the subscription (TestScheduler's clock + 1).
    /// </summary>
    public ITestableObservable<T> Cold<T>(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null) =>
        Scheduler.CreateColdObservable(MarbleParser.ParseNotifications(marbles, values, error, allowSubscriptionPoint: false).ToReactiveTestRecorded());

    /// <summary>A TestScheduler hot observable of one-character strings (no values map).</summary>
    public ITestableObservable<string> Hot(string marbles, Exception? error = null) => Hot<string>(marbles, null, error);

    /// <summary>
    /// A TestScheduler hot observable of the diagram, <c>^</c> = time 0. As in the kit, values before <c>^</c> (negative times) or
    /// before the clock are never emitted: they are left out, because the TestScheduler would move them to clock + 1 tick.
    /// Its <c>Messages</c> therefore hold only what it emits.
    /// </summary>
    public ITestableObservable<T> Hot<T>(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null) =>
        Scheduler.CreateHotObservable(MarbleParser.ParseNotifications(marbles, values, error, allowSubscriptionPoint: true)
            .Where(m => m.Time >= Scheduler.Clock)
            .ToReactiveTestRecorded());

    /// <summary>
    /// As <see cref="MarbleTest.ExpectObservable{T}"/>: subscribes at the <c>^</c> of <paramref name="subscriptionMarbles"/>
    /// (time 0 when absent), disposes at its <c>!</c> or on termination. A <c>^</c> or <c>!</c> at or before the clock
    /// happens at once, at the clock, instead of one tick later.
    /// </summary>
    public ObservableExpectation<T> ExpectObservable<T>(
        IObservable<T> observable, string? subscriptionMarbles = null, IEqualityComparer<T>? comparer = null) =>
        _expectations.ExpectObservable(observable, subscriptionMarbles, comparer);

    /// <summary>Expects a TestScheduler observable's (live) subscriptions, e.g. <c>cold.Subscriptions</c>, to match at the end of <see cref="Run"/>.</summary>
    public SubscriptionExpectation ExpectSubscriptions(IList<Subscription> actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        return _expectations.ExpectSubscriptions(new SubscriptionLogView(actual));
    }

    /// <summary>Expects a kit subscription log (e.g. of a <see cref="ColdObservable{T}"/>) to match at the end of <see cref="Run"/>.</summary>
    public SubscriptionExpectation ExpectSubscriptions(IReadOnlyList<SubscriptionLog> actual) => _expectations.ExpectSubscriptions(actual);

    /// <summary>
    /// Flushes the TestScheduler (until empty, or until <see cref="MaxTime"/>), then checks every expectation registered
    /// so far, throwing one <see cref="MarbleAssertionException"/> describing every failure.
    /// </summary>
    public void Run() => _expectations.Run(MaxTime);

    // TestScheduler.ScheduleAbsolute moves a due time at or before the clock to clock + 1; a subscription drawn at the
    // current time must not drift a tick, so it runs now.
    private IDisposable RunAt(long time, Action action)
    {
        if (time > Scheduler.Clock)
        {
            return Scheduler.ScheduleAbsolute(action, time, static (_, a) =>
            {
                a();
                return Disposable.Empty;
            });
        }

        action();
        return Disposable.Empty;
    }
}

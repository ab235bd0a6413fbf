using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Rx.Mediation.Marbles;

/// <summary>
/// The expectations registered against one virtual clock, and the subscriptions they made, checked together
/// by <see cref="Run"/>. The clock is any <see cref="VirtualTimeScheduler{TAbsolute,TRelative}"/> in
/// <see cref="TimeSpan"/> ticks; <paramref name="scheduleAt"/> says how an action runs at a virtual time,
/// because schedulers differ on work due at or before their clock (Microsoft.Reactive.Testing's TestScheduler
/// moves it one tick later, <see cref="MarbleScheduler"/> runs it in the current frame).
/// </summary>
internal sealed class MarbleExpectations(VirtualTimeScheduler<long, long> scheduler, Func<long, Action, IDisposable> scheduleAt)
{
    private readonly List<Func<string?>> _checks = [];
    private readonly List<IDisposable> _subscriptions = [];

    /// <summary>
    /// Subscribes to <paramref name="observable"/> at the <c>^</c> of <paramref name="subscriptionMarbles"/>
    /// (time 0 when absent), disposes at its <c>!</c> or when the observable terminates, and records every
    /// notification at the clock's time.
    /// </summary>
    public ObservableExpectation<T> ExpectObservable<T>(IObservable<T> observable, string? subscriptionMarbles, IEqualityComparer<T>? comparer)
    {
        ArgumentNullException.ThrowIfNull(observable);
        var window = subscriptionMarbles is null ? new SubscriptionLog(0, null) : MarbleParser.ParseSubscription(subscriptionMarbles);
        var actual = new List<Recorded<Notification<T>>>();
        var subscription = new SingleAssignmentDisposable();
        _subscriptions.Add(subscription);

        // The unsubscription is queued first, ahead of anything the subscription will schedule, so a value due in the
        // '!' frame is never seen even when scheduleAt subscribes at once. At the same time as '^' it still takes
        // effect: the subscription then finds itself disposed and lets go at once.
        if (window.Unsubscribed is { } unsubscribeAt)
            scheduleAt(unsubscribeAt, subscription.Dispose);
        scheduleAt(window.Subscribed, () =>
        {
            var observer = Observer.Create<T>(
                value => actual.Add(new Recorded<Notification<T>>(scheduler.Clock, Notification.CreateOnNext(value))),
                error =>
                {
                    actual.Add(new Recorded<Notification<T>>(scheduler.Clock, Notification.CreateOnError<T>(error)));
                    subscription.Dispose();
                },
                () =>
                {
                    actual.Add(new Recorded<Notification<T>>(scheduler.Clock, Notification.CreateOnCompleted<T>()));
                    subscription.Dispose();
                });
            var inner = observable.Subscribe(observer);
            if (!subscription.IsDisposed)
                subscription.Disposable = inner;
            else
                inner.Dispose();
        });

        var expectation = new ObservableExpectation<T>(actual, comparer);
        _checks.Add(expectation.Check);
        return expectation;
    }

    /// <summary>Expects the given (live) subscription log to match at the end of <see cref="Run"/>.</summary>
    public SubscriptionExpectation ExpectSubscriptions(IReadOnlyList<SubscriptionLog> actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var expectation = new SubscriptionExpectation(actual);
        _checks.Add(expectation.Check);
        return expectation;
    }

    /// <summary>
    /// Flushes the scheduler (until empty, or until <paramref name="maxTime"/>), then checks every expectation
    /// registered so far, disposes their subscriptions, and throws one <see cref="MarbleAssertionException"/>
    /// describing every failure.
    /// </summary>
    public void Run(TimeSpan? maxTime)
    {
        if (maxTime is { } max)
            scheduler.AdvanceTo(max.Ticks);
        else
            scheduler.Start();

        var failures = _checks.Select(check => check()).OfType<string>().ToList();
        _checks.Clear();
        foreach (var subscription in _subscriptions)
            subscription.Dispose();
        _subscriptions.Clear();

        if (failures.Count > 0)
            throw new MarbleAssertionException(string.Join(Environment.NewLine + Environment.NewLine, failures));
    }
}

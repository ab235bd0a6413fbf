using System.Reactive;

namespace Rx.Mediation.Marbles;

/// <summary>
/// RxJS-style marble test facade (TestScheduler "run mode"): create cold/hot observables from
/// diagrams, register expectations, then <see cref="Run"/> flushes the virtual scheduler and
/// checks every expectation.
/// </summary>
public sealed class MarbleTest
{
    private readonly MarbleExpectations _expectations;

    public MarbleTest() : this(new MarbleScheduler())
    {
    }

    public MarbleTest(MarbleScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        Scheduler = scheduler;
        _expectations = new MarbleExpectations(scheduler, scheduler.ScheduleAt);
    }

    /// <summary>The virtual-time scheduler; pass it to Rx operators under test.</summary>
    public MarbleScheduler Scheduler { get; }

    /// <summary>
    /// When set, <see cref="Run"/> advances virtual time only up to this time instead of running
    /// until the queue is empty (needed for never-ending sources such as <c>Observable.Interval</c>).
    /// </summary>
    public TimeSpan? MaxTime { get; set; }

    /// <summary>A cold observable of one-character strings (no values map).</summary>
    public ColdObservable<string> Cold(string marbles, Exception? error = null) => Cold<string>(marbles, null, error);

    /// <summary>A cold observable; <c>^</c> is not allowed.</summary>
    public ColdObservable<T> Cold<T>(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null) =>
        new(Scheduler, MarbleParser.ParseNotifications(marbles, values, error, allowSubscriptionPoint: false));

    /// <summary>A hot observable of one-character strings (no values map).</summary>
    public HotObservable<string> Hot(string marbles, Exception? error = null) => Hot<string>(marbles, null, error);

    /// <summary>A hot observable; <c>^</c> marks time 0, earlier events are never emitted.</summary>
    public HotObservable<T> Hot<T>(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null) =>
        new(Scheduler, MarbleParser.ParseNotifications(marbles, values, error, allowSubscriptionPoint: true));

    /// <summary>RxJS <c>time()</c>: the time of the <c>|</c> in <paramref name="marbles"/>, e.g. <c>"---|"</c> → 3 ms.</summary>
    public static TimeSpan Time(string marbles) => TimeSpan.FromTicks(MarbleParser.ParseTime(marbles));

    /// <summary>
    /// Subscribes to <paramref name="observable"/> at the <c>^</c> of <paramref name="subscriptionMarbles"/>
    /// (time 0 when absent) and disposes at its <c>!</c>, recording every notification.
    /// The subscription is also disposed when the observable terminates.
    /// </summary>
    public ObservableExpectation<T> ExpectObservable<T>(
        IObservable<T> observable, string? subscriptionMarbles = null, IEqualityComparer<T>? comparer = null) =>
        _expectations.ExpectObservable(observable, subscriptionMarbles, comparer);

    /// <summary>Expects the given (live) subscription log, e.g. <c>cold.Subscriptions</c>, to match at the end of <see cref="Run"/>.</summary>
    public SubscriptionExpectation ExpectSubscriptions(IReadOnlyList<SubscriptionLog> actual) => _expectations.ExpectSubscriptions(actual);

    /// <summary>
    /// Flushes the scheduler (until empty, or until <see cref="MaxTime"/>), then checks all expectations
    /// registered so far, throwing one <see cref="MarbleAssertionException"/> describing every failure.
    /// </summary>
    public void Run() => _expectations.Run(MaxTime);
}

/// <summary>An expectation on the notifications of an observable; completed by <see cref="ToBe"/>.</summary>
public sealed class ObservableExpectation<T>
{
    private readonly List<Recorded<Notification<T>>> _actual;
    private readonly IEqualityComparer<T>? _comparer;
    private IReadOnlyList<Recorded<Notification<T>>>? _expected;
    private IReadOnlyDictionary<char, T>? _values;

    internal ObservableExpectation(List<Recorded<Notification<T>>> actual, IEqualityComparer<T>? comparer)
    {
        _actual = actual;
        _comparer = comparer;
    }

    /// <summary>The notifications recorded so far (absolute virtual times).</summary>
    public IReadOnlyList<Recorded<Notification<T>>> Actual => _actual;

    /// <summary>Expects the diagram (cold grammar, times from 0). Parsed immediately: syntax errors throw here.</summary>
    public void ToBe(string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null)
    {
        _expected = MarbleParser.ParseNotifications(marbles, values, error, allowSubscriptionPoint: false);
        _values = values;
    }

    /// <summary>Expects exactly these notifications.</summary>
    public void ToBe(IEnumerable<Recorded<Notification<T>>> notifications, IReadOnlyDictionary<char, T>? values = null)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        _expected = notifications.ToList();
        _values = values;
    }

    internal string? Check()
    {
        if (_expected is null)
            return "ExpectObservable(...) was never completed with ToBe(...).";
        return MarbleAssert.FirstDifference(_expected, _actual, _comparer) < 0
            ? null
            : "Observable did not emit the expected notifications." + Environment.NewLine
              + MarbleDiagram.Compare(_expected, _actual, _values, _comparer);
    }
}

/// <summary>An expectation on a subscription log; completed by <see cref="ToBe"/>.</summary>
public sealed class SubscriptionExpectation
{
    private readonly IReadOnlyList<SubscriptionLog> _actual;
    private IReadOnlyList<SubscriptionLog>? _expected;

    internal SubscriptionExpectation(IReadOnlyList<SubscriptionLog> actual) => _actual = actual;

    /// <summary>One subscription diagram per expected subscription; none means "never subscribed". Order does not matter.</summary>
    public void ToBe(params string[] marbles)
    {
        ArgumentNullException.ThrowIfNull(marbles);
        _expected = marbles.Select(MarbleParser.ParseSubscription).ToList();
    }

    /// <summary>Expects exactly these subscriptions (order does not matter).</summary>
    public void ToBe(IEnumerable<SubscriptionLog> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        _expected = subscriptions.ToList();
    }

    internal string? Check()
    {
        if (_expected is null)
            return "ExpectSubscriptions(...) was never completed with ToBe(...).";
        try
        {
            MarbleAssert.Equal(_expected, _actual);
            return null;
        }
        catch (MarbleAssertionException ex)
        {
            return ex.Message;
        }
    }
}

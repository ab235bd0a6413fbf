using System.Reactive;
using System.Reactive.Disposables;

namespace Rx.Mediation.Marbles;

/// <summary>An observable driven by marble notifications that records its subscriptions.</summary>
public interface IMarbleObservable<T> : IObservable<T>
{
    /// <summary>The notifications this observable plays (times in ticks).</summary>
    IReadOnlyList<Recorded<Notification<T>>> Messages { get; }

    /// <summary>
    /// Live log of subscriptions in absolute virtual time (ticks), in subscription order.
    /// Entries are updated in place when a subscription is disposed.
    /// </summary>
    IReadOnlyList<SubscriptionLog> Subscriptions { get; }
}

/// <summary>
/// A cold test observable: each subscription replays <see cref="Messages"/> relative to the
/// virtual time at which it subscribed.
/// </summary>
public sealed class ColdObservable<T> : IMarbleObservable<T>
{
    private readonly MarbleScheduler _scheduler;
    private readonly List<SubscriptionLog> _subscriptions = [];

    public ColdObservable(MarbleScheduler scheduler, IEnumerable<Recorded<Notification<T>>> messages)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(messages);
        _scheduler = scheduler;
        Messages = messages.ToArray();
        if (Messages.Any(m => m.Time < 0))
            throw new ArgumentException("A cold observable cannot have notifications at negative times.", nameof(messages));
    }

    public IReadOnlyList<Recorded<Notification<T>>> Messages { get; }

    public IReadOnlyList<SubscriptionLog> Subscriptions => _subscriptions;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var index = _subscriptions.Count;
        _subscriptions.Add(new SubscriptionLog(_scheduler.Clock, null));

        var scheduled = new CompositeDisposable(Messages.Count);
        foreach (var message in Messages)
        {
            var notification = message.Value;
            scheduled.Add(_scheduler.ScheduleRelative(notification, message.Time, (_, n) =>
            {
                n.Accept(observer);
                return Disposable.Empty;
            }));
        }

        return Disposable.Create(() =>
        {
            if (_subscriptions[index].Unsubscribed is not null)
                return;
            _subscriptions[index] = _subscriptions[index] with { Unsubscribed = _scheduler.Clock };
            scheduled.Dispose();
        });
    }
}

/// <summary>
/// A hot test observable: emits <see cref="Messages"/> at their absolute virtual times
/// (time 0 = the diagram's <c>^</c>); subscribers only see what is emitted while they are
/// subscribed. Notifications at negative times are never emitted. Emissions at a frame happen
/// after the subscriptions scheduled for that same frame before the frame started (as in RxJS,
/// a subscriber at frame N sees the hot value at frame N).
/// </summary>
public sealed class HotObservable<T> : IMarbleObservable<T>
{
    private readonly MarbleScheduler _scheduler;
    private readonly List<SubscriptionLog> _subscriptions = [];
    private readonly List<ObserverEntry> _observers = [];

    public HotObservable(MarbleScheduler scheduler, IEnumerable<Recorded<Notification<T>>> messages)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(messages);
        _scheduler = scheduler;
        Messages = messages.ToArray();

        foreach (var message in Messages)
        {
            if (message.Time < 0 || message.Time < scheduler.Clock)
                continue;
            // Two hops: the first enqueues the emission at the end of the frame's queue, so
            // subscriptions scheduled for the same frame (e.g. by ExpectObservable) run first.
            scheduler.ScheduleAbsolute(message.Value, message.Time, (s, n) =>
                _scheduler.ScheduleRelative(n, 0L, (_, n2) =>
                {
                    foreach (var entry in _observers.ToArray())
                    {
                        if (entry.Active)
                            n2.Accept(entry.Observer);
                    }

                    return Disposable.Empty;
                }));
        }
    }

    public IReadOnlyList<Recorded<Notification<T>>> Messages { get; }

    public IReadOnlyList<SubscriptionLog> Subscriptions => _subscriptions;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var index = _subscriptions.Count;
        _subscriptions.Add(new SubscriptionLog(_scheduler.Clock, null));
        var entry = new ObserverEntry(observer);
        _observers.Add(entry);

        return Disposable.Create(() =>
        {
            if (_subscriptions[index].Unsubscribed is not null)
                return;
            _subscriptions[index] = _subscriptions[index] with { Unsubscribed = _scheduler.Clock };
            entry.Active = false;
            _observers.Remove(entry);
        });
    }

    private sealed class ObserverEntry(IObserver<T> observer)
    {
        public IObserver<T> Observer { get; } = observer;

        public bool Active { get; set; } = true;
    }
}

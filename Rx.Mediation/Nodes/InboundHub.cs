using System.Reactive.Disposables;
using Rx.Mediation.Events;

namespace Rx.Mediation.Nodes;

/// <summary>
/// The hot observable behind a node's inbound side: it fans each received event out to its subscribers and
/// collects their <see cref="Admission"/>. Subscribing and unsubscribing swap an immutable array, so
/// publishing takes no lock.
/// </summary>
public sealed class InboundHub : IObservable<Event>
{
    private IObserver<Event>[] _observers = [];
    private int _terminated;

    public bool HasObservers => Volatile.Read(ref _observers).Length > 0;

    public IDisposable Subscribe(IObserver<Event> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (Volatile.Read(ref _terminated) != 0)
        {
            observer.OnCompleted();
            return Disposable.Empty;
        }
        Update(static (list, o) => [.. list, o], observer);
        return new Subscription(this, observer);
    }

    public Admission Publish(Event value)
    {
        var observers = Volatile.Read(ref _observers);
        if (observers.Length == 0) return Admission.NoRoute;
        var result = Admission.NoRoute;
        foreach (var observer in observers)
        {
            result = Admission.Combine(result, observer is IAdmissionObserver admitting ? admitting.Offer(value) : Deliver(observer, value));
        }
        return result;
    }

    public ValueTask<Admission> PublishAsync(Event value, CancellationToken cancellationToken = default)
    {
        var observers = Volatile.Read(ref _observers);
        if (observers.Length == 0) return new(Admission.NoRoute);
        // The usual case, the engine as the only subscriber: hand its answer straight back, no state machine.
        if (observers.Length == 1 && observers[0] is IAdmissionObserver single) return single.OfferAsync(value, cancellationToken);
        return PublishToAllAsync(observers, value, cancellationToken);
    }

    private static async ValueTask<Admission> PublishToAllAsync(IObserver<Event>[] observers, Event value, CancellationToken cancellationToken)
    {
        var result = Admission.NoRoute;
        foreach (var observer in observers)
        {
            var admission = observer is IAdmissionObserver admitting
                ? await admitting.OfferAsync(value, cancellationToken).ConfigureAwait(false)
                : Deliver(observer, value);
            result = Admission.Combine(result, admission);
        }
        return result;
    }

    /// <summary>Ends the inbound stream: current and later subscribers see completion.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _terminated, 1) != 0) return;
        foreach (var observer in Interlocked.Exchange(ref _observers, [])) observer.OnCompleted();
    }

    public void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _terminated, 1) != 0) return;
        foreach (var observer in Interlocked.Exchange(ref _observers, [])) observer.OnError(error);
    }

    private static Admission Deliver(IObserver<Event> observer, Event value)
    {
        observer.OnNext(value);
        return Admission.Accepted;
    }

    private void Update(Func<IObserver<Event>[], IObserver<Event>, IObserver<Event>[]> change, IObserver<Event> observer)
    {
        while (true)
        {
            var current = Volatile.Read(ref _observers);
            if (Interlocked.CompareExchange(ref _observers, change(current, observer), current) == current) return;
        }
    }

    private sealed class Subscription(InboundHub hub, IObserver<Event> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            hub.Update(static (list, o) => Array.FindAll(list, x => !ReferenceEquals(x, o)), observer);
        }
    }
}

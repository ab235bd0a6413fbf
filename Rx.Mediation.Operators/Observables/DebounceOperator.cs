using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Observables;

/// <summary>
/// Rx.NET's Throttle semantics (a debounce): an event is emitted once <c>dueTime</c> has passed without a newer one;
/// a newer event replaces the pending one. Written out rather than taken from Rx so each replaced event is counted as
/// filtered, keeping the route's ledger exact. On completion the pending event is emitted first, as Rx does.
/// </summary>
internal sealed class DebounceOperator(IObservable<Event> source, TimeSpan dueTime, StageContext context) : IObservable<Event>
{
    public IDisposable Subscribe(IObserver<Event> observer)
    {
        var sink = new Sink(observer, dueTime, context);
        var subscription = source.Subscribe(sink);
        return new CompositeDisposable(subscription, sink);
    }

    private sealed class Sink(IObserver<Event> downstream, TimeSpan dueTime, StageContext context) : IObserver<Event>, IDisposable
    {
        private readonly object _gate = new();
        private readonly SerialDisposable _timer = new();
        private Event? _pending;
        private ulong _generation;
        private bool _done;

        public void OnNext(Event value)
        {
            context.Counters.CountIn(value.Weight);
            ulong generation;
            lock (_gate)
            {
                if (_done) return;
                if (_pending is not null) context.Counters.CountFiltered(_pending.Weight);
                _pending = value;
                generation = ++_generation;
            }
            _timer.Disposable = context.Scheduler.Schedule(generation, dueTime, (_, g) =>
            {
                Emit(g);
                return Disposable.Empty;
            });
        }

        public void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                _pending = null;
                downstream.OnError(error);
            }
            _timer.Dispose();
        }

        public void OnCompleted()
        {
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                if (_pending is not null)
                {
                    context.Counters.CountOut(_pending.Weight);
                    downstream.OnNext(_pending);
                    _pending = null;
                }
                downstream.OnCompleted();
            }
            _timer.Dispose();
        }

        public void Dispose() => _timer.Dispose();

        private void Emit(ulong generation)
        {
            lock (_gate)
            {
                if (_done || _pending is null || generation != _generation) return;
                var value = _pending;
                _pending = null;
                context.Counters.CountOut(value.Weight);
                downstream.OnNext(value);
            }
        }
    }
}

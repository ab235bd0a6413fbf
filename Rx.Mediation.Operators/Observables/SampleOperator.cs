using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Observables;

/// <summary>
/// Rx.NET's Sample semantics: every <c>interval</c>, the newest event since the last tick (if any) is emitted.
/// Events overtaken by a newer one before a tick are counted as filtered. After the source completes, the pending
/// event is emitted at the next tick and then the stream completes, as in Rx.NET.
/// </summary>
internal sealed class SampleOperator(IObservable<Event> source, TimeSpan interval, StageContext context) : IObservable<Event>
{
    public IDisposable Subscribe(IObserver<Event> observer)
    {
        var sink = new Sink(observer, context);
        var ticks = context.Scheduler.SchedulePeriodic(interval, sink.Tick);
        var subscription = source.Subscribe(sink);
        sink.Ticks = ticks;
        return new CompositeDisposable(subscription, ticks);
    }

    private sealed class Sink(IObserver<Event> downstream, StageContext context) : IObserver<Event>
    {
        private readonly object _gate = new();
        private Event? _latest;
        private bool _atEnd;
        private bool _done;

        public IDisposable? Ticks { get; set; }

        public void OnNext(Event value)
        {
            context.Counters.CountIn(value.Weight);
            lock (_gate)
            {
                if (_done) return;
                if (_latest is not null) context.Counters.CountFiltered(_latest.Weight);
                _latest = value;
            }
        }

        public void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                downstream.OnError(error);
            }
            Ticks?.Dispose();
        }

        public void OnCompleted()
        {
            lock (_gate)
            {
                if (_done) return;
                _atEnd = true;
                if (_latest is null)
                {
                    _done = true;
                    downstream.OnCompleted();
                }
            }
        }

        public void Tick()
        {
            var finished = false;
            lock (_gate)
            {
                if (_done) return;
                if (_latest is not null)
                {
                    var value = _latest;
                    _latest = null;
                    context.Counters.CountOut(value.Weight);
                    downstream.OnNext(value);
                }
                if (_atEnd)
                {
                    _done = true;
                    finished = true;
                    downstream.OnCompleted();
                }
            }
            if (finished) Ticks?.Dispose();
        }
    }
}

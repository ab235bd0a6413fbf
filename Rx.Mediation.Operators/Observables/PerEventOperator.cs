using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Observables;

/// <summary>
/// The one primitive behind Where, Select and their kin: a step that maps an event to a new one, or to null to
/// filter it out. A step that throws fails that event only: it is counted and reported, and the stream goes on.
/// A fresh step is made for every subscription, so stateful steps (Skip, DistinctUntilChanged) restart cleanly.
/// </summary>
internal sealed class PerEventOperator(IObservable<Event> source, Func<Func<Event, Event?>> stepFactory, StageContext context)
    : IObservable<Event>
{
    public IDisposable Subscribe(IObserver<Event> observer) => source.Subscribe(new Sink(observer, stepFactory(), context));

    private sealed class Sink(IObserver<Event> downstream, Func<Event, Event?> step, StageContext context) : IObserver<Event>
    {
        public void OnNext(Event value)
        {
            var counters = context.Counters;
            var weight = value.Weight;
            counters.CountIn(weight);
            Event? result;
            try
            {
                result = step(value);
            }
            catch (Exception ex)
            {
                context.ReportFailure(value, ex);
                return;
            }
            if (result is null)
            {
                counters.CountFiltered(weight);
                return;
            }
            // Counted by what came in, so a stage that reshapes a batch still balances its ledger.
            counters.CountOut(weight);
            downstream.OnNext(result);
        }

        public void OnError(Exception error) => downstream.OnError(error);

        public void OnCompleted() => downstream.OnCompleted();
    }
}

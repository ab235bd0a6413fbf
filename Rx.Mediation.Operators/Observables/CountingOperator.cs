using System.Reactive.Linq;
using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Observables;

/// <summary>Wraps an Rx operator so its stage counts what goes in and what comes out.</summary>
internal static class CountingOperator
{
    public static IObservable<Event> Counted(this IObservable<Event> source, StageContext context, Func<IObservable<Event>, IObservable<Event>> inner) =>
        inner(source.Do(e => context.Counters.CountIn(e.Weight))).Do(e => context.Counters.CountOut(e.Weight));
}

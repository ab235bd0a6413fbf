using Rx.Mediation.Events;

namespace Rx.Mediation.Routing;

/// <summary>An event a route failed on (a stage threw, a target refused), or a fault of the route itself (Event is null).</summary>
public sealed record FailureRecord(string Route, string Stage, Event? Event, Exception Error, DateTimeOffset Timestamp)
{
    public override string ToString() => $"{Route}/{Stage}: {(Event is null ? "" : Event.Id + ": ")}{Error.Message}";
}

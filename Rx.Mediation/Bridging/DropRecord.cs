using Rx.Mediation.Events;

namespace Rx.Mediation.Bridging;

/// <summary>One dropped event: where (route or entrypoint), why, and which.</summary>
public sealed record DropRecord(string Route, DropReason Reason, Event Event, DateTimeOffset Timestamp)
{
    public override string ToString() => $"{Route}: dropped {Event.Id} ({Reason.ToName()})";
}

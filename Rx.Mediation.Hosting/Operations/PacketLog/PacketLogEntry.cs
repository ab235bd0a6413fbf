using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// One line waiting to be written: the flow record as the route reported it (the event is immutable, so holding it is
/// enough; its id and every field are formatted later, off the hot path).
/// </summary>
/// <param name="AtEntrypoint">The record is an entrypoint's own drop (a slow client): <see cref="FlowRecord.Route"/> and
/// <see cref="FlowRecord.Node"/> then name the entrypoint.</param>
public readonly record struct PacketLogEntry(FlowRecord Record, bool AtEntrypoint = false);

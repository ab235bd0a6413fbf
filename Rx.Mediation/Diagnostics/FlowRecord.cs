using Rx.Mediation.Events;

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// One sighting of an event in a route. A struct passed by reference: a tap that keeps nothing costs no allocation.
/// </summary>
/// <param name="Stage">Where the event was seen.</param>
/// <param name="Route">The route's name.</param>
/// <param name="Event">The event as it was at that stage (after the operators, for Routed and Delivered).</param>
/// <param name="Node">The source node (Received), the target node (Delivered), or the stage that failed (Failed: an operator's
/// description, or <c>to:&lt;target&gt;</c>); null for Routed and Dropped.</param>
/// <param name="Reason">Why it was dropped (a drop reason name) or failed (the error's message); else null.</param>
/// <param name="Timestamp">When, on the route's scheduler clock (virtual time in tests).</param>
public readonly record struct FlowRecord(
    FlowStage Stage,
    string Route,
    Event Event,
    string? Node,
    string? Reason,
    DateTimeOffset Timestamp)
{
    /// <summary>Time since the event entered the engine (its timestamp), never negative.</summary>
    public TimeSpan Latency => Timestamp > Event.Timestamp ? Timestamp - Event.Timestamp : TimeSpan.Zero;
}

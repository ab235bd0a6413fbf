using System.Reactive.Concurrency;
using Rx.Mediation.Events;

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// One sighting of an event in a route. A struct passed by reference: a tap that keeps nothing costs no allocation.
/// <para>
/// A route's records read their clock only when asked: a tap that samples most records out never pays for the time
/// (reading the wall clock costs more than the rest of a record). Read <see cref="Timestamp"/> inside
/// <see cref="IFlowTap.OnFlow"/>, or keep <see cref="Fixed"/>, never a record to read its time later.
/// </para>
/// </summary>
public readonly struct FlowRecord
{
    private readonly DateTimeOffset _timestamp;
    private readonly IScheduler? _clock;

    /// <param name="stage">Where the event was seen.</param>
    /// <param name="route">The route's name.</param>
    /// <param name="value">The event as it was at that stage (after the operators, for Routed and Delivered).</param>
    /// <param name="node">The source node (Received), the target node (Delivered), or the stage that failed (Failed: an
    /// operator's description, or <c>to:&lt;target&gt;</c>); null for Routed and Dropped.</param>
    /// <param name="reason">Why it was dropped (a drop reason name) or failed (the error's message); else null.</param>
    /// <param name="timestamp">When.</param>
    public FlowRecord(FlowStage stage, string route, Event value, string? node, string? reason, DateTimeOffset timestamp)
        : this(stage, route, value, node, reason, timestamp, null)
    {
    }

    /// <summary>A record whose time is read from <paramref name="clock"/> when first asked for.</summary>
    internal FlowRecord(FlowStage stage, string route, Event value, string? node, string? reason, IScheduler clock)
        : this(stage, route, value, node, reason, default, clock)
    {
    }

    private FlowRecord(FlowStage stage, string route, Event value, string? node, string? reason, DateTimeOffset timestamp, IScheduler? clock)
    {
        Stage = stage;
        Route = route;
        Event = value;
        Node = node;
        Reason = reason;
        _timestamp = timestamp;
        _clock = clock;
    }

    public FlowStage Stage { get; }

    public string Route { get; }

    public Event Event { get; }

    public string? Node { get; }

    public string? Reason { get; }

    /// <summary>When, on the route's scheduler clock (virtual time in tests). See the remarks on reading it.</summary>
    public DateTimeOffset Timestamp => _clock is null ? _timestamp : _clock.Now;

    /// <summary>Time since the event entered the engine (its timestamp), never negative.</summary>
    public TimeSpan Latency => LatencyAt(Timestamp);

    /// <summary>This record with its time read now and kept, to be stored and formatted later.</summary>
    public FlowRecord Fixed() => _clock is null ? this : new FlowRecord(Stage, Route, Event, Node, Reason, _clock.Now);

    public TimeSpan LatencyAt(DateTimeOffset timestamp) => timestamp > Event.Timestamp ? timestamp - Event.Timestamp : TimeSpan.Zero;

    public override string ToString() => $"{Stage.ToName()} {Route} {Event.Id}";
}

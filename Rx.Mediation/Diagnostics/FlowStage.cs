namespace Rx.Mediation.Diagnostics;

/// <summary>Where in a route an event was seen.</summary>
public enum FlowStage
{
    /// <summary>Taken into the route's bridge from a source.</summary>
    Received,

    /// <summary>Left the route's operator chain, on its way to the targets.</summary>
    Routed,

    /// <summary>Handed to one target (a broker endpoint's send, or an entrypoint's client queues).</summary>
    Delivered,

    /// <summary>Dropped by the route's bridge; the reason is a <see cref="Bridging.DropReason"/> name.</summary>
    Dropped,

    /// <summary>A stage or a target failed on the event; the reason is the error's message.</summary>
    Failed,
}

public static class FlowStageNames
{
    public static string ToName(this FlowStage stage) => stage switch
    {
        FlowStage.Received => "received",
        FlowStage.Routed => "routed",
        FlowStage.Delivered => "delivered",
        FlowStage.Dropped => "dropped",
        FlowStage.Failed => "failed",
        _ => stage.ToString().ToLowerInvariant(),
    };
}

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>Which stages a route's packet log writes (docs/operations/packet-log.md).</summary>
public enum PacketLogLevel
{
    /// <summary>Nothing, not even drops and failures.</summary>
    Off,

    /// <summary>Drops and failures only (every one of them).</summary>
    Errors,

    /// <summary>Drops and failures, plus received, routed and delivered lines for the sampled share of events.</summary>
    Flow,
}

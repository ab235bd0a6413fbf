namespace Rx.Mediation.Routing;

/// <summary>What a route promises for each event its sources hand it.</summary>
public enum DeliveryGuarantee
{
    /// <summary>Each event is delivered once or, on failure or overflow, dropped and counted. Works with every node.</summary>
    AtMostOnce,

    /// <summary>
    /// No event is lost once its source handed it over: sources must acknowledge only after acceptance, targets must
    /// confirm sends, and the bridge must refuse rather than drop what it already accepted (backpressure, drop-new or fail).
    /// Duplicates are possible after a failure.
    /// </summary>
    AtLeastOnce,
}

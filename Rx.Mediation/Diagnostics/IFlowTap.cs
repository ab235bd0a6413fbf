namespace Rx.Mediation.Diagnostics;

/// <summary>
/// Sees every event at every stage of every route (see <see cref="FlowStage"/>): what the packet log, the metrics
/// and the dashboard's live marble view are built on. Attach with <c>MediationEngine.Tap</c>.
/// <para>
/// Called synchronously on the route's hot path (sources' threads for Received, the route's drain for the rest),
/// possibly from several threads at once: an implementation must be thread-safe, return quickly, never block and
/// never throw. Anything slow belongs behind a bounded queue of the tap's own.
/// </para>
/// </summary>
public interface IFlowTap
{
    void OnFlow(in FlowRecord record);

    /// <summary>
    /// What this tap wants from <paramref name="route"/>; asked when the tap is attached and after
    /// <see cref="FlowTaps.Refresh"/>. The default is everything. A tap still receives only what it asked for when it is
    /// the only one attached; with several, each receives every stage any of them wants, unsampled, and filters itself.
    /// </summary>
    FlowInterest InterestIn(string route) => FlowInterest.All;
}

/// <summary>A tap whose interests change while attached (e.g. reloaded settings): the engine re-asks routes when told.</summary>
public interface IChangingFlowTap : IFlowTap
{
    /// <summary>Raised after what <see cref="IFlowTap.InterestIn"/> answers has changed.</summary>
    event Action? InterestChanged;
}

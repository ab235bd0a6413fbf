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
}

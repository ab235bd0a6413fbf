using Rx.Mediation.Bridging;

namespace Rx.Mediation.Routing;

/// <summary>
/// A route name's ledger since the engine started, summed over every instance that ran under that name: those a
/// reload replaced (with what they counted while draining) and the one running now. Each line only grows, so it is
/// what a monotonic counter (Prometheus, OTLP cumulative) exports. The lines mean what <see cref="RouteCounters"/>'s do.
/// </summary>
public sealed class RouteTotal
{
    internal RouteTotal(string name) => Name = name;

    public string Name { get; }

    /// <summary>Whether a route of this name runs now; false for a route a reload removed (its totals stay).</summary>
    public bool Running { get; internal init; }

    public long Offered => Accepted + Refused;

    public long Accepted { get; internal init; }

    public long Refused { get; internal init; }

    public long Emitted { get; internal init; }

    public long Delivered { get; internal init; }

    /// <summary>Filtered on purpose by the route's operators.</summary>
    public long Filtered { get; internal init; }

    public long Failed { get; internal init; }

    public long DiscardedAfterCompletion { get; internal init; }

    public DropCounters Dropped { get; internal init; } = new();

    /// <summary>Per operator, by index and description: an operator a reload changed keeps its old line and starts a new one.</summary>
    public IReadOnlyList<OperatorTotal> Operators { get; internal init; } = [];
}

using System.Reactive.Concurrency;
using Rx.Mediation.Bridging;

namespace Rx.Mediation.Routing;

/// <summary>
/// A route as data: sources → stages → targets, with its bridge. Built by fluent rules or from configuration,
/// turned into a running <see cref="RouteRuntime"/> by the engine.
/// </summary>
public sealed record RouteDefinition
{
    public required string Name { get; init; }

    public required IReadOnlyList<SourceBinding> Sources { get; init; }

    public IReadOnlyList<RouteStage> Stages { get; init; } = [];

    public required IReadOnlyList<string> Targets { get; init; }

    public BridgeOptions Bridge { get; init; } = BridgeOptions.Default;

    /// <summary>What the route promises; checked against its nodes and bridge when it is built.</summary>
    public DeliveryGuarantee Guarantee { get; init; } = DeliveryGuarantee.AtMostOnce;

    /// <summary>Whether Connect/Disconnect events reach this route; by default only data does.</summary>
    public bool IncludeLifecycle { get; init; }

    /// <summary>The route's own scheduler; the engine's when null.</summary>
    public IScheduler? Scheduler { get; init; }

    /// <summary>
    /// When two definitions carry the same non-null fingerprint, replacing one by the other keeps the running route
    /// untouched (its subscriptions, bridge and operator state).
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>Every source feeding the bridge: the route's own and those its stages merge in.</summary>
    public IEnumerable<SourceBinding> AllSources => Sources.Concat(Stages.SelectMany(s => s.AdditionalSources));

    public override string ToString() =>
        $"{Name}: {string.Join(", ", Sources)} → {string.Join(" → ", Stages.Select(s => s.Description).DefaultIfEmpty("(pass)"))} → {string.Join(", ", Targets)}";
}

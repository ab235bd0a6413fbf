namespace Rx.Mediation.Routing;

/// <summary>
/// One route instance's counts without the instance: its <see cref="RouteCounters"/>, its operators' counters and
/// their descriptions. The engine holds this for a replaced route so that what it counts while draining stays readable,
/// without keeping its bridge, chain and target nodes alive.
/// </summary>
internal sealed record RouteLedger(RouteCounters Counters, IReadOnlyList<StageCounters> Stages, IReadOnlyList<string> Operators);

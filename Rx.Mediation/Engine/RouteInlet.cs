using Rx.Mediation.Events;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Engine;

/// <summary>One route's door on one source: which events of that source the route wants.</summary>
internal sealed class RouteInlet(RouteRuntime route, SourceBinding binding)
{
    public RouteRuntime Route { get; } = route;

    public SourceBinding Binding { get; } = binding;

    public bool Wants(Event value) =>
        value.Kind == EventKind.Data
            ? Binding.Topics.Matches(value.Topic)
            : Route.Definition.IncludeLifecycle;
}

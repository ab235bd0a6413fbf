using System.Reactive.Linq;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Operators.Catalog;

/// <summary>Merge: brings more sources into the route at this point; their events skip the stages before it.</summary>
public static class Merging
{
    public static RouteStage Merge(IReadOnlyList<SourceBinding> sources)
    {
        if (sources.Count == 0) throw new ArgumentException("merge needs at least one source", nameof(sources));
        return new RouteStage("merge", $"merge({string.Join(", ", sources)})", (upstream, context) =>
            upstream.Merge(context.Inbound(sources).Do(e =>
            {
                context.Counters.CountIn(e.Weight);
                context.Counters.CountOut(e.Weight);
            })), sources);
    }
}

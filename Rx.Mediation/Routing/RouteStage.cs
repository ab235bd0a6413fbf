using Rx.Mediation.Events;

namespace Rx.Mediation.Routing;

/// <summary>
/// One operator of a route, kept as data (name and description) as well as behaviour, so routes can be listed,
/// drawn and compared, not only run.
/// </summary>
public sealed class RouteStage
{
    public RouteStage(
        string name,
        string description,
        Func<IObservable<Event>, StageContext, IObservable<Event>> apply,
        IReadOnlyList<SourceBinding>? additionalSources = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Description = description;
        Apply = apply ?? throw new ArgumentNullException(nameof(apply));
        AdditionalSources = additionalSources ?? [];
    }

    /// <summary>Catalog name, e.g. "where", "throttle".</summary>
    public string Name { get; }

    /// <summary>Human-readable form, e.g. "throttle(200ms)".</summary>
    public string Description { get; }

    public Func<IObservable<Event>, StageContext, IObservable<Event>> Apply { get; }

    /// <summary>Sources this stage brings into the route (Merge); they feed the same bridge.</summary>
    public IReadOnlyList<SourceBinding> AdditionalSources { get; }

    public override string ToString() => Description;
}

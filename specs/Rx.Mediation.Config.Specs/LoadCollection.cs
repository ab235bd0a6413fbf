namespace Rx.Mediation.Config.Specs;

/// <summary>
/// Specs that drive sustained load (and check its rate or that every request was answered in time): they run one at a
/// time, apart from the others, so that they neither starve the other specs on two cores nor are starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "sustained load";
}

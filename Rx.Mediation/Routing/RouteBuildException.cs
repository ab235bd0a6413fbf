namespace Rx.Mediation.Routing;

/// <summary>A route set was refused when built; <see cref="Errors"/> names each route and what is wrong with it.</summary>
public sealed class RouteBuildException(IReadOnlyList<string> errors)
    : Exception(errors.Count == 1 ? errors[0] : "routes refused:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

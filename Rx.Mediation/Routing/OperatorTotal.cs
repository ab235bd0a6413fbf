namespace Rx.Mediation.Routing;

/// <summary>
/// What the operator at <paramref name="Index"/> of a route, described as <paramref name="Description"/>, counted over
/// every version of the route that had that operator there (weights: a batch of 10 counts 10).
/// </summary>
public sealed record OperatorTotal(int Index, string Description, long In, long Out, long Filtered, long Failed);

using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>One YAML route test: the route under test, its inputs and expected outputs as marble diagrams.</summary>
public sealed record RouteTest(
    string Name,
    string Route,
    ConfigLocation Location,
    IReadOnlyDictionary<char, FlowEvent> Values,
    IReadOnlyList<(string Node, string Marbles)> Inputs,
    IReadOnlyList<(string Node, string Marbles)> Expected);

/// <summary>What running one <see cref="RouteTest"/> gave: passed, or the marble diff of the first failing expectation.</summary>
public sealed record RouteTestResult(RouteTest Test, string? Failure)
{
    public bool Passed => Failure is null;
}

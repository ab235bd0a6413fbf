namespace Rx.Mediation.Operators.Expressions;

/// <summary>An expression that does not parse: the expression, the 1-based column and what was expected there.</summary>
public sealed class ExpressionException(string expression, int column, string problem)
    : Exception($"{problem} at column {column} in: {expression}")
{
    public string Expression { get; } = expression;

    /// <summary>1-based position of the problem in <see cref="Expression"/>.</summary>
    public int Column { get; } = column;

    public string Problem { get; } = problem;
}

using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Operators.Expressions;

/// <summary>
/// A route expression, parsed and compiled once: <c>headers.type == 'order' &amp;&amp; json.amount &gt; 100</c>.
/// The grammar is in docs/expressions.md. Compiling is where every error shows up (with its column); evaluating
/// an event only runs delegates.
/// </summary>
public sealed class RouteExpression
{
    private readonly Func<EvaluationScope, object?> _evaluate;

    private RouteExpression(string text, Func<EvaluationScope, object?> evaluate)
    {
        Text = text;
        _evaluate = evaluate;
    }

    public string Text { get; }

    /// <summary>Parses and compiles; throws <see cref="ExpressionException"/> with the column of the first problem.</summary>
    public static RouteExpression Compile(string text)
    {
        var tree = ExpressionParser.Parse(text);
        var compiler = new ExpressionCompiler(text);
        return new RouteExpression(text, compiler.Compile(tree));
    }

    public static bool TryCompile(string text, out RouteExpression? expression, out ExpressionException? error)
    {
        try
        {
            expression = Compile(text);
            error = null;
            return true;
        }
        catch (ExpressionException ex)
        {
            expression = null;
            error = ex;
            return false;
        }
    }

    /// <summary>As a predicate: true only when the expression yields true (null and other values are false).</summary>
    public Func<Event, bool> AsPredicate() => value =>
    {
        using var scope = new EvaluationScope(value);
        return _evaluate(scope) is true;
    };

    /// <summary>The value as text (for topics and headers); null when the expression yields null.</summary>
    public Func<Event, string?> AsText() => value =>
    {
        using var scope = new EvaluationScope(value);
        return ExpressionValues.AsString(_evaluate(scope));
    };

    /// <summary>The value as a JSON payload: objects and arrays as they are, scalars as JSON scalars.</summary>
    public Func<Event, byte[]> AsJson() => value =>
    {
        using var scope = new EvaluationScope(value);
        var result = _evaluate(scope);
        return result switch
        {
            JsonElement json => System.Text.Encoding.UTF8.GetBytes(json.GetRawText()),
            _ => JsonSerializer.SerializeToUtf8Bytes(result),
        };
    };

    public override string ToString() => Text;
}

using Rx.Mediation.Events;
using Rx.Mediation.Operators.Expressions;
using Rx.Mediation.Routing;
using Rx.Mediation.Topics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Rx.Mediation.Operators.Configuration;

/// <summary>What an operator reads its YAML argument with: the route's name for messages, and the shared diagnostics.</summary>
public sealed class OperatorContext(string route, string op, ConfigDiagnostics diagnostics, List<NodeReference> nodes)
{
    public string Route { get; } = route;

    public string Operator { get; } = op;

    public ConfigDiagnostics Diagnostics { get; } = diagnostics;

    public string What => $"route '{Route}': {Operator}";

    public void Error(YamlNode node, string message) => Diagnostics.Error(node, $"{What}: {message}");

    public string? Text(YamlNode node) => YamlMap.Scalar(node, Diagnostics, What);

    public TimeSpan? Duration(YamlNode node) => YamlMap.DurationOf(node, Diagnostics, What);

    public int? Count(YamlNode node, int min) => YamlMap.Integer(node, Diagnostics, What, min);

    /// <summary>
    /// Compiles an expression once. A syntax error is reported at its own character: the scalar's position plus the
    /// expression's column (and the opening quote), with the route, the expression and what was expected.
    /// </summary>
    public RouteExpression? Expression(YamlNode node)
    {
        var text = Text(node);
        if (text is null) return null;
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(node, "the expression is empty");
            return null;
        }
        if (RouteExpression.TryCompile(text, out var expression, out var error)) return expression;
        var quote = node is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } ? 1 : 0;
        var at = Diagnostics.At(node);
        Diagnostics.Error(at.Line == node.End.Line ? at.Shift(quote + error!.Column - 1) : at, $"{What}: {error!.Message}");
        return null;
    }

    /// <summary>A source as <c>node</c> or <c>node[topic-filter]</c>.</summary>
    public SourceBinding? Source(YamlScalarNode node) => ParseSource(node, Diagnostics, What, nodes);

    internal static SourceBinding? ParseSource(YamlScalarNode node, ConfigDiagnostics diagnostics, string what, List<NodeReference> nodes)
    {
        var text = (node.Value ?? "").Trim();
        var open = text.IndexOf('[');
        if (open < 0)
        {
            nodes.Add(new NodeReference(text, diagnostics.At(node), NodeRole.Source));
            return new SourceBinding(text);
        }
        if (open == 0 || !text.EndsWith(']'))
        {
            diagnostics.Error(node, $"{what}: '{text}' is not 'node' or 'node[topic-filter]'");
            return null;
        }
        if (!TopicPattern.TryParse(text[(open + 1)..^1], out var pattern, out var problem))
        {
            diagnostics.Error(node, $"{what}: '{text}': {problem}");
            return null;
        }
        var name = text[..open].Trim();
        nodes.Add(new NodeReference(name, diagnostics.At(node), NodeRole.Source));
        return new SourceBinding(name, pattern!);
    }

    /// <summary>Wraps a projection so a null result fails that event (counted and reported) rather than sending nothing.</summary>
    public static Func<Event, string> NotNull(Func<Event, string?> value, string expression) =>
        e => value(e) ?? throw new InvalidOperationException($"'{expression}' yielded null for event {e.Id}");
}

using System.Text.RegularExpressions;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Operators.Expressions;

/// <summary>
/// Turns a parsed expression into one delegate, once, when the route is built: names, functions and literal regular
/// expressions are all resolved here, so evaluating an event is only calls through closures.
/// </summary>
internal sealed class ExpressionCompiler(string text)
{
    public static readonly IReadOnlyList<string> Roots = ["topic", "headers", "json", "text", "payload", "clientId", "source", "id", "kind"];

    public static readonly IReadOnlyList<string> Functions =
        ["contains", "startsWith", "endsWith", "lower", "upper", "trim", "length", "matches", "exists", "number", "string", "topicMatches"];

    public bool ReadsJson { get; private set; }

    public Func<EvaluationScope, object?> Compile(ExprNode node)
    {
        switch (node)
        {
            case LiteralNode literal:
                var constant = literal.Value;
                return _ => constant;

            case RootNode root:
                return CompileRoot(root);

            case MemberNode member:
            {
                var target = Compile(member.Target);
                var name = member.Name;
                return scope => ExpressionValues.Member(target(scope), name);
            }

            case IndexNode index:
            {
                var target = Compile(index.Target);
                var key = Compile(index.Key);
                return scope => ExpressionValues.Index(target(scope), key(scope));
            }

            case UnaryNode { Operator: "!" } not:
            {
                var operand = Compile(not.Operand);
                return scope => !IsTrue(operand(scope));
            }

            case UnaryNode negate:
            {
                var operand = Compile(negate.Operand);
                return scope => ExpressionValues.TryNumber(operand(scope), out var n) ? -n : null;
            }

            case BinaryNode binary:
                return CompileBinary(binary);

            case InNode @in:
            {
                var value = Compile(@in.Value);
                var items = @in.Items.Select(Compile).ToArray();
                var negated = @in.Negated;
                return scope =>
                {
                    var v = value(scope);
                    var found = false;
                    foreach (var item in items)
                    {
                        if (ExpressionValues.AreEqual(v, item(scope)))
                        {
                            found = true;
                            break;
                        }
                    }
                    return found != negated;
                };
            }

            case CallNode call:
                return CompileCall(call);
        }
        throw Error(node, "unsupported expression");
    }

    private Func<EvaluationScope, object?> CompileRoot(RootNode root)
    {
        switch (root.Name)
        {
            case "topic": return scope => scope.Event.Topic;
            case "headers": return scope => scope.Event.Headers;
            case "json":
                ReadsJson = true;
                return scope => scope.Json;
            case "text" or "payload": return scope => scope.Event.Text;
            case "clientId": return scope => scope.Event.ClientId;
            case "source": return scope => scope.Event.Source;
            case "id": return scope => scope.Event.Id;
            case "kind": return scope => scope.Event.Kind switch
            {
                EventKind.Connect => "connect",
                EventKind.Disconnect => "disconnect",
                _ => "data",
            };
        }
        throw Error(root, $"unknown name '{root.Name}'; an expression starts from one of: {string.Join(", ", Roots)}");
    }

    private Func<EvaluationScope, object?> CompileBinary(BinaryNode binary)
    {
        var left = Compile(binary.Left);
        var right = Compile(binary.Right);
        return binary.Operator switch
        {
            "&&" => scope => IsTrue(left(scope)) && IsTrue(right(scope)),
            "||" => scope => IsTrue(left(scope)) || IsTrue(right(scope)),
            "==" => scope => ExpressionValues.AreEqual(left(scope), right(scope)),
            "!=" => scope => !ExpressionValues.AreEqual(left(scope), right(scope)),
            "<" => scope => ExpressionValues.Compare(left(scope), right(scope)) is < 0,
            "<=" => scope => ExpressionValues.Compare(left(scope), right(scope)) is <= 0,
            ">" => scope => ExpressionValues.Compare(left(scope), right(scope)) is > 0,
            ">=" => scope => ExpressionValues.Compare(left(scope), right(scope)) is >= 0,
            "+" => scope => Add(left(scope), right(scope)),
            "-" => scope => ExpressionValues.TryNumber(left(scope), out var a) && ExpressionValues.TryNumber(right(scope), out var b) ? a - b : null,
            _ => throw Error(binary, $"unknown operator '{binary.Operator}'"),
        };
    }

    private static object? Add(object? left, object? right)
    {
        if (left is double a && right is double b) return a + b;
        if (left is null && right is null) return null;
        return ExpressionValues.AsString(left) + ExpressionValues.AsString(right);
    }

    private Func<EvaluationScope, object?> CompileCall(CallNode call)
    {
        var args = call.Arguments.Select(Compile).ToArray();
        void Arity(int count)
        {
            if (args.Length != count) throw Error(call, $"{call.Function}() takes {count} argument{(count == 1 ? "" : "s")}, got {args.Length}");
        }
        Func<EvaluationScope, string?> Text(int i) => scope => ExpressionValues.AsString(args[i](scope));

        switch (call.Function)
        {
            case "list":
                return scope => args.Select(a => a(scope)).ToArray();
            case "contains":
            {
                Arity(2);
                var (a, b) = (Text(0), Text(1));
                return scope => a(scope) is { } s && b(scope) is { } t && s.Contains(t, StringComparison.Ordinal);
            }
            case "startsWith":
            {
                Arity(2);
                var (a, b) = (Text(0), Text(1));
                return scope => a(scope) is { } s && b(scope) is { } t && s.StartsWith(t, StringComparison.Ordinal);
            }
            case "endsWith":
            {
                Arity(2);
                var (a, b) = (Text(0), Text(1));
                return scope => a(scope) is { } s && b(scope) is { } t && s.EndsWith(t, StringComparison.Ordinal);
            }
            case "lower":
            {
                Arity(1);
                var a = Text(0);
                return scope => a(scope)?.ToLowerInvariant();
            }
            case "upper":
            {
                Arity(1);
                var a = Text(0);
                return scope => a(scope)?.ToUpperInvariant();
            }
            case "trim":
            {
                Arity(1);
                var a = Text(0);
                return scope => a(scope)?.Trim();
            }
            case "length":
            {
                Arity(1);
                var a = args[0];
                return scope => a(scope) switch
                {
                    string s => (double)s.Length,
                    System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } json => (double)json.GetArrayLength(),
                    _ => null,
                };
            }
            case "exists":
            {
                Arity(1);
                var a = args[0];
                return scope => a(scope) is not null;
            }
            case "number":
            {
                Arity(1);
                var a = args[0];
                return scope => ExpressionValues.TryNumber(a(scope), out var n) ? n : null;
            }
            case "string":
            {
                Arity(1);
                return Text(0);
            }
            case "matches":
            {
                Arity(2);
                if (call.Arguments[1] is not LiteralNode { Value: string pattern }) throw Error(call.Arguments[1], "matches() takes its pattern as a quoted string, so it is compiled once");
                Regex regex;
                try
                {
                    regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
                }
                catch (ArgumentException ex)
                {
                    throw Error(call.Arguments[1], $"bad regular expression: {ex.Message}");
                }
                var a = Text(0);
                return scope => a(scope) is { } s && regex.IsMatch(s);
            }
            case "topicMatches":
            {
                Arity(1);
                if (call.Arguments[0] is not LiteralNode { Value: string filter }) throw Error(call.Arguments[0], "topicMatches() takes its filter as a quoted string");
                if (!TopicPattern.TryParse(filter, out var topicPattern, out var problem)) throw Error(call.Arguments[0], problem!);
                return scope => topicPattern!.Matches(scope.Event.Topic);
            }
        }
        throw Error(call, $"unknown function '{call.Function}'; known: {string.Join(", ", Functions)}");
    }

    public static bool IsTrue(object? value) => value is true;

    private ExpressionException Error(ExprNode node, string problem) => new(text, node.Offset + 1, problem);
}

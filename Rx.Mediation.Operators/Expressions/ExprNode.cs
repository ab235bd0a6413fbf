namespace Rx.Mediation.Operators.Expressions;

/// <summary>The parsed form of an expression; each node keeps its offset for error messages.</summary>
internal abstract record ExprNode(int Offset);

internal sealed record LiteralNode(object? Value, int Offset) : ExprNode(Offset);

/// <summary>One of the names an expression starts from: topic, headers, json, text, clientId, source, id, kind.</summary>
internal sealed record RootNode(string Name, int Offset) : ExprNode(Offset);

/// <summary><c>target.name</c> (and <c>target?.name</c>: every member access is null-safe).</summary>
internal sealed record MemberNode(ExprNode Target, string Name, int Offset) : ExprNode(Offset);

/// <summary><c>target[key]</c>: a JSON array index, a JSON property or a header name.</summary>
internal sealed record IndexNode(ExprNode Target, ExprNode Key, int Offset) : ExprNode(Offset);

internal sealed record UnaryNode(string Operator, ExprNode Operand, int Offset) : ExprNode(Offset);

internal sealed record BinaryNode(string Operator, ExprNode Left, ExprNode Right, int Offset) : ExprNode(Offset);

internal sealed record InNode(ExprNode Value, IReadOnlyList<ExprNode> Items, bool Negated, int Offset) : ExprNode(Offset);

internal sealed record CallNode(string Function, IReadOnlyList<ExprNode> Arguments, int Offset) : ExprNode(Offset);

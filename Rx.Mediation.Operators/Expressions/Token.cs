namespace Rx.Mediation.Operators.Expressions;

internal enum TokenKind
{
    End,
    Identifier,
    Number,
    String,
    Symbol,
}

/// <summary>A lexeme with its 0-based start offset (for error positions).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, double Number = 0)
{
    public bool Is(string symbol) => Kind is TokenKind.Symbol or TokenKind.Identifier && Text == symbol;

    public override string ToString() => Kind == TokenKind.End ? "end of expression" : $"'{Text}'";
}

namespace Rx.Mediation.Operators.Expressions;

/// <summary>
/// Recursive-descent parser for the route expression grammar (see docs/expressions.md):
/// <code>
/// or         := and (("||" | "or") and)*
/// and        := not (("&amp;&amp;" | "and") not)*
/// not        := ("!" | "not") not | comparison
/// comparison := additive (("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") additive | "not"? "in" list)?
/// additive   := unary (("+" | "-") unary)*
/// unary      := "-" unary | postfix
/// postfix    := primary ("." name | "?." name | "[" or "]")*
/// primary    := number | string | true | false | null | name | name "(" args ")" | "(" or ")" | list
/// list       := "[" (or ("," or)*)? "]"
/// </code>
/// </summary>
internal sealed class ExpressionParser
{
    // Deep enough for any real predicate, shallow enough that hostile input cannot overflow the stack.
    private const int MaxDepth = 64;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private ExpressionParser(string text)
    {
        _text = text;
        _tokens = ExpressionLexer.Tokenize(text);
    }

    private Token Current => _tokens[_position];

    public static ExprNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text)) throw new ExpressionException(text, 1, "the expression is empty");
        var parser = new ExpressionParser(text);
        var node = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End) throw parser.Error($"unexpected {parser.Current}; expected an operator or the end");
        return node;
    }

    private ExprNode ParseOr()
    {
        Enter();
        var left = ParseAnd();
        while (Current.Is("||") || Current.Is("or"))
        {
            var op = Next();
            left = new BinaryNode("||", left, ParseAnd(), op.Offset);
        }
        _depth--;
        return left;
    }

    private ExprNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.Is("&&") || Current.Is("and"))
        {
            var op = Next();
            left = new BinaryNode("&&", left, ParseNot(), op.Offset);
        }
        return left;
    }

    private ExprNode ParseNot()
    {
        if (Current.Is("!") || Current.Is("not") && !_tokens[_position + 1].Is("in"))
        {
            var op = Next();
            Enter();
            var operand = ParseNot();
            _depth--;
            return new UnaryNode("!", operand, op.Offset);
        }
        return ParseComparison();
    }

    private ExprNode ParseComparison()
    {
        var left = ParseAdditive();
        foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
        {
            if (!Current.Is(op)) continue;
            var token = Next();
            return new BinaryNode(op, left, ParseAdditive(), token.Offset);
        }
        var negated = false;
        if (Current.Is("not") && _tokens[_position + 1].Is("in"))
        {
            Next();
            negated = true;
        }
        if (Current.Is("in"))
        {
            var token = Next();
            if (!Current.Is("[")) throw Error($"expected '[' to start the list after 'in', found {Current}");
            return new InNode(left, ParseList(), negated, token.Offset);
        }
        return left;
    }

    private ExprNode ParseAdditive()
    {
        var left = ParseUnary();
        while (Current.Is("+") || Current.Is("-"))
        {
            var op = Next();
            left = new BinaryNode(op.Text, left, ParseUnary(), op.Offset);
        }
        return left;
    }

    private ExprNode ParseUnary()
    {
        if (Current.Is("-"))
        {
            var op = Next();
            Enter();
            var operand = ParseUnary();
            _depth--;
            return new UnaryNode("-", operand, op.Offset);
        }
        return ParsePostfix();
    }

    private ExprNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (Current.Is(".") || Current.Is("?."))
            {
                var dot = Next();
                if (Current.Kind != TokenKind.Identifier) throw Error($"expected a name after '{dot.Text}', found {Current}");
                node = new MemberNode(node, Next().Text, node.Offset);
            }
            else if (Current.Is("["))
            {
                Next();
                var key = ParseOr();
                Expect("]", "to close the index");
                node = new IndexNode(node, key, node.Offset);
            }
            else
            {
                return node;
            }
        }
    }

    private ExprNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Next();
                return new LiteralNode(token.Number, token.Offset);
            case TokenKind.String:
                Next();
                return new LiteralNode(token.Text, token.Offset);
            case TokenKind.Identifier:
                Next();
                switch (token.Text)
                {
                    case "true": return new LiteralNode(true, token.Offset);
                    case "false": return new LiteralNode(false, token.Offset);
                    case "null": return new LiteralNode(null, token.Offset);
                }
                if (!Current.Is("(")) return new RootNode(token.Text, token.Offset);
                Next();
                var arguments = new List<ExprNode>();
                if (!Current.Is(")"))
                {
                    do arguments.Add(ParseOr());
                    while (TryNext(","));
                }
                Expect(")", $"to close the call of {token.Text}(");
                return new CallNode(token.Text, arguments, token.Offset);
        }
        if (token.Is("("))
        {
            Next();
            var inner = ParseOr();
            Expect(")", "to close '('");
            return inner;
        }
        if (token.Is("[")) return new CallNode("list", ParseList(), token.Offset);
        throw Error(token.Kind == TokenKind.End ? "the expression ends too early; expected a value" : $"unexpected {token}; expected a value");
    }

    private List<ExprNode> ParseList()
    {
        Expect("[", "to start a list");
        var items = new List<ExprNode>();
        if (!Current.Is("]"))
        {
            do items.Add(ParseOr());
            while (TryNext(","));
        }
        Expect("]", "to close the list");
        return items;
    }

    private Token Next() => _tokens[_position < _tokens.Count - 1 ? _position++ : _position];

    private bool TryNext(string symbol)
    {
        if (!Current.Is(symbol)) return false;
        Next();
        return true;
    }

    private void Expect(string symbol, string why)
    {
        if (!TryNext(symbol)) throw Error($"expected '{symbol}' {why}, found {Current}");
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Error($"the expression is nested more than {MaxDepth} levels deep");
    }

    private ExpressionException Error(string problem) => new(_text, Current.Offset + 1, problem);
}

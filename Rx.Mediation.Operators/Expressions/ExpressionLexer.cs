using System.Globalization;
using System.Text;

namespace Rx.Mediation.Operators.Expressions;

/// <summary>Splits an expression into tokens: identifiers, numbers, quoted strings ('…' or "…") and operators.</summary>
internal static class ExpressionLexer
{
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "&&", "||", "?.", "<", ">", "!", "(", ")", "[", "]", ",", ".", "+", "-"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (char.IsLetter(c) || c == '_' || c == '$')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$')) i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
                continue;
            }
            if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1]))) i++;
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    var exponent = i + 1;
                    if (exponent < text.Length && text[exponent] is '+' or '-') exponent++;
                    if (exponent < text.Length && char.IsDigit(text[exponent]))
                    {
                        i = exponent;
                        while (i < text.Length && char.IsDigit(text[i])) i++;
                    }
                }
                var literal = text[start..i];
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    throw new ExpressionException(text, start + 1, $"'{literal}' is not a number");
                tokens.Add(new Token(TokenKind.Number, literal, start, number));
                continue;
            }
            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(text, ref i));
                continue;
            }
            var symbol = Array.Find(Symbols, s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (symbol is null) throw new ExpressionException(text, i + 1, $"unexpected character '{c}'");
            tokens.Add(new Token(TokenKind.Symbol, symbol, i));
            i += symbol.Length;
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static Token ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i++;
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var escaped = text[i + 1];
                value.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => escaped,
                });
                i += 2;
                continue;
            }
            value.Append(text[i++]);
        }
        if (i >= text.Length) throw new ExpressionException(text, start + 1, $"string starting here is not closed with {quote}");
        i++;
        return new Token(TokenKind.String, value.ToString(), start);
    }
}

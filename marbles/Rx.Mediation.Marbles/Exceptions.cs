namespace Rx.Mediation.Marbles;

/// <summary>The default error emitted by <c>#</c> when no error object is supplied. Matches any actual error when used as an expectation.</summary>
public class MarbleError : Exception
{
    public const string DefaultMessage = "error";

    public MarbleError() : base(DefaultMessage)
    {
    }

    public MarbleError(string message) : base(message)
    {
    }
}

/// <summary>Thrown for a malformed marble diagram. <see cref="Column"/> is 1-based.</summary>
public class MarbleSyntaxException : FormatException
{
    public MarbleSyntaxException(string reason, string marbles, int column)
        : base(Format(reason, marbles, column))
    {
        Reason = reason;
        Marbles = marbles;
        Column = column;
    }

    public string Reason { get; }

    public string Marbles { get; }

    /// <summary>1-based column of the offending character (0 when not tied to one character).</summary>
    public int Column { get; }

    private static string Format(string reason, string marbles, int column)
    {
        var where = column > 0 ? $" at column {column}" : string.Empty;
        var caret = column > 0 ? Environment.NewLine + "  " + new string(' ', column - 1) + "^" : string.Empty;
        return $"Invalid marble diagram{where}: {reason}{Environment.NewLine}  {marbles}{caret}";
    }
}

/// <summary>Thrown by <see cref="MarbleTest.Run"/> when an expectation does not match.</summary>
public class MarbleAssertionException : Exception
{
    public MarbleAssertionException(string message) : base(message)
    {
    }
}

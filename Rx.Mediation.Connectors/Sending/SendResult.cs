namespace Rx.Mediation.Connectors.Sending;

/// <summary>How one attempt to hand a message to the broker ended, and why when it did not succeed.</summary>
public sealed class SendResult
{
    public static readonly SendResult Acknowledged = new(SendOutcome.Acknowledged, null);

    private SendResult(SendOutcome outcome, string? problem)
    {
        Outcome = outcome;
        Problem = problem;
    }

    public SendOutcome Outcome { get; }

    /// <summary>What went wrong, for logs and health; null when acknowledged.</summary>
    public string? Problem { get; }

    /// <summary>The connection failed before the broker answered: sent again once reconnected, however long that takes.</summary>
    public static SendResult Interrupted(string problem) => new(SendOutcome.Interrupted, problem);

    /// <summary>The broker refused this time (a nack, a closed link): sent again after a backoff, a limited number of times.</summary>
    public static SendResult Refused(string problem) => new(SendOutcome.Refused, problem);

    /// <summary>The broker will never take it (unroutable, an error answer): counted as failed at once.</summary>
    public static SendResult Rejected(string problem) => new(SendOutcome.Rejected, problem);

    public override string ToString() => Problem is null ? Outcome.ToString() : $"{Outcome}: {Problem}";
}

public enum SendOutcome
{
    Acknowledged,
    Interrupted,
    Refused,
    Rejected,
}

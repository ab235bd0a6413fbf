namespace Rx.Mediation.Nodes;

public enum AdmissionStatus
{
    /// <summary>At least one route took the event into its bridge.</summary>
    Accepted,

    /// <summary>Every route that wanted the event refused it (bridge full, route failed, stopping). Retry later.</summary>
    Rejected,

    /// <summary>No route takes events from this source on this topic.</summary>
    NoRoute,
}

/// <summary>What the routes did with an event a source offered: the answer an entrypoint turns into 202, 503 or 404.</summary>
public readonly record struct Admission(AdmissionStatus Status, string? Reason = null, TimeSpan RetryAfter = default)
{
    public static Admission Accepted { get; } = new(AdmissionStatus.Accepted);

    public static Admission NoRoute { get; } = new(AdmissionStatus.NoRoute, "no route takes this source and topic");

    public static Admission Rejected(string reason, TimeSpan retryAfter) => new(AdmissionStatus.Rejected, reason, retryAfter);

    public bool IsAccepted => Status == AdmissionStatus.Accepted;

    // Recognised by reference: a string of its own, not the interned literal, which any caller's equal text would share.
    private static readonly string MovedReason = new("the route was replaced; its successor takes the event".AsSpan());

    /// <summary>
    /// A replaced route's answer to a source that read the routes just before the swap. Never reaches a source: the
    /// engine offers the event to the route's successor instead (see <c>SourceRouter</c>).
    /// </summary>
    internal static Admission Moved { get; } = new(AdmissionStatus.Rejected, MovedReason);

    internal bool IsMoved => Status == AdmissionStatus.Rejected && ReferenceEquals(Reason, MovedReason);

    /// <summary>Combines the answers of several routes: accepted by any wins, then rejected, then no route.</summary>
    public static Admission Combine(Admission a, Admission b)
    {
        if (a.Status == AdmissionStatus.Accepted) return a;
        if (b.Status == AdmissionStatus.Accepted) return b;
        if (a.Status == AdmissionStatus.Rejected)
            return b.Status == AdmissionStatus.Rejected && b.RetryAfter > a.RetryAfter ? b : a;
        return b;
    }
}

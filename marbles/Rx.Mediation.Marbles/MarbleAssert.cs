using System.Reactive;

namespace Rx.Mediation.Marbles;

/// <summary>Comparison rules used by marble expectations, reusable outside <see cref="MarbleTest"/>.</summary>
public static class MarbleAssert
{
    /// <summary>
    /// Throws <see cref="MarbleAssertionException"/> (message from <see cref="MarbleDiagram.Compare{T}"/>)
    /// unless <paramref name="actual"/> matches <paramref name="expected"/>.
    /// </summary>
    public static void Equal<T>(
        IReadOnlyList<Recorded<Notification<T>>> expected,
        IReadOnlyList<Recorded<Notification<T>>> actual,
        IReadOnlyDictionary<char, T>? values = null,
        IEqualityComparer<T>? comparer = null)
    {
        if (FirstDifference(expected, actual, comparer) >= 0)
        {
            throw new MarbleAssertionException(
                "Observable did not emit the expected notifications." + Environment.NewLine
                + MarbleDiagram.Compare(expected, actual, values, comparer));
        }
    }

    /// <summary>Index of the first notification that differs, or -1 when the sequences match.</summary>
    public static int FirstDifference<T>(
        IReadOnlyList<Recorded<Notification<T>>> expected,
        IReadOnlyList<Recorded<Notification<T>>> actual,
        IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        comparer ??= EqualityComparer<T>.Default;
        var count = Math.Min(expected.Count, actual.Count);
        for (var i = 0; i < count; i++)
        {
            if (!Matches(expected[i], actual[i], comparer))
                return i;
        }

        return expected.Count == actual.Count ? -1 : count;
    }

    /// <summary>
    /// Same time and kind; values equal by <paramref name="comparer"/>; errors per <see cref="ErrorMatches"/>.
    /// </summary>
    public static bool Matches<T>(Recorded<Notification<T>> expected, Recorded<Notification<T>> actual, IEqualityComparer<T>? comparer = null)
    {
        if (expected.Time != actual.Time || expected.Value.Kind != actual.Value.Kind)
            return false;
        return expected.Value.Kind switch
        {
            NotificationKind.OnNext => (comparer ?? EqualityComparer<T>.Default).Equals(expected.Value.Value, actual.Value.Value),
            NotificationKind.OnError => ErrorMatches(expected.Value.Exception, actual.Value.Exception!),
            _ => true,
        };
    }

    /// <summary>
    /// An expected error of null or a default <see cref="MarbleError"/> (exact type, message "error")
    /// matches any error; otherwise the type must be the same and the messages equal.
    /// </summary>
    public static bool ErrorMatches(Exception? expected, Exception actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (expected is null || (expected.GetType() == typeof(MarbleError) && expected.Message == MarbleError.DefaultMessage))
            return true;
        return expected.GetType() == actual.GetType() && expected.Message == actual.Message;
    }

    /// <summary>Throws <see cref="MarbleAssertionException"/> unless both logs hold the same subscriptions (order-insensitive).</summary>
    public static void Equal(IReadOnlyList<SubscriptionLog> expected, IReadOnlyList<SubscriptionLog> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var e = Sort(expected);
        var a = Sort(actual);
        if (e.SequenceEqual(a))
            return;

        var sb = new System.Text.StringBuilder("Subscriptions did not match the expected subscriptions.").AppendLine();
        sb.AppendLine("expected:");
        AppendLogs(sb, e);
        sb.AppendLine("actual:");
        AppendLogs(sb, a);
        throw new MarbleAssertionException(sb.ToString().TrimEnd());
    }

    private static List<SubscriptionLog> Sort(IEnumerable<SubscriptionLog> logs) =>
        logs.OrderBy(l => l.Subscribed).ThenBy(l => l.Unsubscribed ?? long.MaxValue).ToList();

    private static void AppendLogs(System.Text.StringBuilder sb, List<SubscriptionLog> logs)
    {
        if (logs.Count == 0)
            sb.AppendLine("  (no subscriptions)");
        foreach (var log in logs)
            sb.Append("  ").Append(MarbleDiagram.Render(log).PadRight(24)).Append("  ").AppendLine(log.ToString());
    }
}

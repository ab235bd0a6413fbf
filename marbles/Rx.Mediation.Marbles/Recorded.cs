using System.Globalization;

namespace Rx.Mediation.Marbles;

/// <summary>A value recorded at a virtual time (ticks).</summary>
public readonly record struct Recorded<T>(long Time, T Value)
{
    public override string ToString() => $"{MarbleDiagram.FormatTime(Time)}: {Value}";
}

/// <summary>
/// A subscription interval in virtual time (ticks). <see cref="Unsubscribed"/> is null
/// while the subscription is still active.
/// </summary>
public readonly record struct SubscriptionLog(long Subscribed, long? Unsubscribed)
{
    public override string ToString() =>
        Unsubscribed is { } u
            ? $"[{MarbleDiagram.FormatTime(Subscribed)}, {MarbleDiagram.FormatTime(u)})"
            : $"[{MarbleDiagram.FormatTime(Subscribed)}, ∞)";
}

internal static class Invariant
{
    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

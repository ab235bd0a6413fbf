using System.Globalization;
using System.Reactive;
using System.Text;

namespace Rx.Mediation.Marbles;

/// <summary>Renders notifications and subscriptions back to marble diagrams.</summary>
public static class MarbleDiagram
{
    /// <summary>Idle gaps longer than this many frames are written as a time progression (e.g. <c> 100ms </c>).</summary>
    public const int MaxDashes = 20;

    /// <summary>Placeholder for a value that has no letter in the values map.</summary>
    public const char UnknownValue = '?';

    private const string Reserved = "-|#^!() ";

    /// <summary>
    /// Renders notifications as a marble diagram. Values are written as their key in
    /// <paramref name="values"/> (reverse lookup with <paramref name="comparer"/>); without a map,
    /// one-character strings and chars are written as themselves; anything else is written as
    /// <see cref="UnknownValue"/>. Simultaneous notifications are grouped with <c>()</c>, long idle gaps
    /// become time progressions, and if there are negative times (hot diagram) <c>^</c> marks time 0.
    /// </summary>
    public static string Render<T>(
        IEnumerable<Recorded<Notification<T>>> notifications,
        IReadOnlyDictionary<char, T>? values = null,
        IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var symbols = new Symbolizer<T>(values, comparer);
        return RenderLine(Groups(notifications.ToList(), symbols, out _), markZero: true);
    }

    /// <summary>Renders a subscription as <c>--^---!</c> (or <c>(^!)</c> for an empty one).</summary>
    public static string Render(SubscriptionLog subscription)
    {
        var groups = new List<Group>();
        if (subscription.Unsubscribed == subscription.Subscribed)
        {
            groups.Add(new Group(subscription.Subscribed, "(^!)"));
        }
        else
        {
            groups.Add(new Group(subscription.Subscribed, "^"));
            if (subscription.Unsubscribed is { } u)
                groups.Add(new Group(u, "!"));
        }

        return RenderLine(groups, markZero: false);
    }

    /// <summary>
    /// One line per notification: time, kind and value (with its marble letter), e.g.
    /// <c>   5ms  OnNext(b: "B")</c>.
    /// </summary>
    public static string Describe<T>(
        IEnumerable<Recorded<Notification<T>>> notifications,
        IReadOnlyDictionary<char, T>? values = null,
        IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var symbols = new Symbolizer<T>(values, comparer);
        var sb = new StringBuilder();
        foreach (var n in notifications)
            sb.Append("  ").AppendLine(Describe(n, symbols));
        return sb.Length == 0 ? "  (none)" + Environment.NewLine : sb.ToString();
    }

    /// <summary>
    /// The full comparison text used in <see cref="MarbleAssertionException"/>: expected and actual
    /// diagrams one above the other, aligned by frame where the grammar allows, a legend for values
    /// without a letter, the first difference, and the raw notification lists.
    /// </summary>
    public static string Compare<T>(
        IReadOnlyList<Recorded<Notification<T>>> expected,
        IReadOnlyList<Recorded<Notification<T>>> actual,
        IReadOnlyDictionary<char, T>? values = null,
        IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        comparer ??= EqualityComparer<T>.Default;
        var symbols = new Symbolizer<T>(values, comparer);
        var expectedGroups = Groups(expected, symbols, out var expectedUnknown);
        var actualGroups = Groups(actual, symbols, out var actualUnknown);
        var aligned = TryRenderAligned(expectedGroups, actualGroups);
        var expectedLine = aligned?.Expected ?? RenderLine(expectedGroups, markZero: true);
        var actualLine = aligned?.Actual ?? RenderLine(actualGroups, markZero: true);

        var sb = new StringBuilder();
        sb.Append("expected: ").AppendLine(expectedLine);
        sb.Append("actual:   ").AppendLine(actualLine);
        if (aligned is null)
            sb.AppendLine("(diagrams could not be aligned frame by frame; times are in the lists below)");

        if (expectedUnknown.Count + actualUnknown.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(Invariant.F($"legend ('{UnknownValue}' = value without a letter in the values map):"));
            foreach (var (time, value) in expectedUnknown)
                sb.Append("  expected ").Append(FormatTime(time)).Append(": ").AppendLine(Display(value));
            foreach (var (time, value) in actualUnknown)
                sb.Append("  actual   ").Append(FormatTime(time)).Append(": ").AppendLine(Display(value));
        }

        sb.AppendLine();
        var index = MarbleAssert.FirstDifference(expected, actual, comparer);
        if (index >= 0)
        {
            var e = index < expected.Count ? Describe(expected[index], symbols, pad: false) : "nothing";
            var a = index < actual.Count ? Describe(actual[index], symbols, pad: false) : "nothing";
            sb.AppendLine(Invariant.F($"first difference at notification #{index + 1}: expected {e} but was {a}"));
            sb.AppendLine();
        }

        sb.AppendLine("expected notifications:");
        sb.Append(Describe(expected, values, comparer));
        sb.AppendLine("actual notifications:");
        sb.Append(Describe(actual, values, comparer));
        return sb.ToString().TrimEnd();
    }

    /// <summary>Formats ticks as milliseconds, e.g. <c>5ms</c>, <c>1.5ms</c>, <c>-2ms</c>.</summary>
    public static string FormatTime(long ticks) =>
        ((decimal)ticks / TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture) + "ms";

    private static string Describe<T>(Recorded<Notification<T>> n, Symbolizer<T> symbols, bool pad = true)
    {
        var time = pad ? FormatTime(n.Time).PadLeft(8) + " " : FormatTime(n.Time);
        return n.Value.Kind switch
        {
            NotificationKind.OnNext => $"{time} OnNext({symbols.Symbol(n.Value.Value, out _)}: {Display(n.Value.Value)})",
            NotificationKind.OnError => $"{time} OnError({n.Value.Exception!.GetType().Name}: {n.Value.Exception.Message})",
            _ => $"{time} OnCompleted",
        };
    }

    internal static string Display(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        char c => "'" + c + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Display)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    private readonly record struct Group(long Time, string Text);

    private static List<Group> Groups<T>(
        IReadOnlyList<Recorded<Notification<T>>> notifications,
        Symbolizer<T> symbols,
        out List<(long Time, T Value)> unknown)
    {
        unknown = [];
        var groups = new List<Group>();
        foreach (var byTime in notifications.GroupBy(n => n.Time).OrderBy(g => g.Key))
        {
            var text = new StringBuilder();
            foreach (var n in byTime)
            {
                switch (n.Value.Kind)
                {
                    case NotificationKind.OnNext:
                        text.Append(symbols.Symbol(n.Value.Value, out var known));
                        if (!known)
                            unknown.Add((n.Time, n.Value.Value));
                        break;
                    case NotificationKind.OnError:
                        text.Append('#');
                        break;
                    default:
                        text.Append('|');
                        break;
                }
            }

            groups.Add(new Group(byTime.Key, text.Length == 1 ? text.ToString() : "(" + text + ")"));
        }

        return groups;
    }

    private static string RenderLine(List<Group> groups, bool markZero)
    {
        var sb = new StringBuilder();
        var cursor = groups.Count == 0 ? 0 : Math.Min(0, groups[0].Time);
        var zeroPending = markZero && cursor < 0 && groups.All(g => g.Time != 0);
        foreach (var group in groups)
        {
            if (zeroPending && group.Time > 0)
            {
                sb.Append(Gap(0 - cursor)).Append('^');
                cursor = Math.Max(cursor, 0) + MarbleScheduler.Frame;
                zeroPending = false;
            }

            if (group.Time > cursor)
            {
                sb.Append(Gap(group.Time - cursor));
                cursor = group.Time;
            }

            // group.Time < cursor: not representable (a group's width overlaps the next event);
            // written as close as possible, Describe() gives exact times.
            sb.Append(group.Text);
            cursor += group.Text.Length * MarbleScheduler.Frame;
        }

        if (zeroPending)
            sb.Append(Gap(0 - cursor)).Append('^');
        return sb.ToString();
    }

    private static (string Expected, string Actual)? TryRenderAligned(List<Group> expected, List<Group> actual)
    {
        if (expected.Concat(actual).Any(g => g.Time < 0))
            return null;
        var e = new StringBuilder();
        var a = new StringBuilder();
        long cursor = 0;
        var times = expected.Concat(actual).Select(g => g.Time).Distinct().Order();
        foreach (var time in times)
        {
            if (time < cursor)
                return null;
            if (time > cursor)
            {
                var gap = Gap(time - cursor);
                e.Append(gap);
                a.Append(gap);
                cursor = time;
            }

            var et = expected.FirstOrDefault(g => g.Time == time).Text ?? string.Empty;
            var at = actual.FirstOrDefault(g => g.Time == time).Text ?? string.Empty;
            var width = Math.Max(et.Length, at.Length);
            e.Append(et.PadRight(width, '-'));
            a.Append(at.PadRight(width, '-'));
            cursor += width * MarbleScheduler.Frame;
        }

        // Padding only stays truthful if no later group starts inside it: checked above via time < cursor.
        return (e.ToString().TrimEnd('-'), a.ToString().TrimEnd('-'));
    }

    private static string Gap(long ticks)
    {
        if (ticks <= 0)
            return string.Empty;
        if (ticks % MarbleScheduler.Frame == 0 && ticks / MarbleScheduler.Frame <= MaxDashes)
            return new string('-', (int)(ticks / MarbleScheduler.Frame));
        if (ticks % TimeSpan.TicksPerMinute == 0)
            return Invariant.F($" {ticks / TimeSpan.TicksPerMinute}m ");
        if (ticks % TimeSpan.TicksPerSecond == 0)
            return Invariant.F($" {ticks / TimeSpan.TicksPerSecond}s ");
        return " " + FormatTime(ticks) + " ";
    }

    private sealed class Symbolizer<T>(IReadOnlyDictionary<char, T>? values, IEqualityComparer<T>? comparer)
    {
        private readonly IEqualityComparer<T> _comparer = comparer ?? EqualityComparer<T>.Default;

        public char Symbol(T value, out bool known)
        {
            known = true;
            if (values is not null)
            {
                foreach (var (key, candidate) in values)
                {
                    if (_comparer.Equals(candidate, value))
                        return key;
                }
            }
            else
            {
                switch (value)
                {
                    case string { Length: 1 } s when !Reserved.Contains(s[0], StringComparison.Ordinal):
                        return s[0];
                    case char c when !Reserved.Contains(c, StringComparison.Ordinal):
                        return c;
                }
            }

            known = false;
            return UnknownValue;
        }
    }
}

using System.Globalization;
using System.Reactive;
using System.Text.RegularExpressions;

namespace Rx.Mediation.Marbles;

/// <summary>
/// Parses marble diagrams (RxJS TestScheduler "run mode" grammar) into notifications
/// and subscription logs. All times are <see cref="TimeSpan"/> ticks; one frame is
/// <see cref="MarbleScheduler.Frame"/>.
/// </summary>
public static partial class MarbleParser
{
    [GeneratedRegex(@"\G([0-9]+(?:\.[0-9]+)?)(ms|s|m)(?= |$)", RegexOptions.CultureInvariant)]
    private static partial Regex TimeProgression();

    /// <summary>
    /// Parses an observable diagram. <c>^</c> is allowed (hot semantics): times are relative
    /// to it, events before it have negative times. Without <c>^</c>, times are relative to frame 0.
    /// </summary>
    public static IReadOnlyList<Recorded<Notification<T>>> ParseNotifications<T>(
        string marbles, IReadOnlyDictionary<char, T>? values = null, Exception? error = null)
        => ParseNotifications(marbles, values, error, allowSubscriptionPoint: true);

    /// <summary>
    /// Parses an observable diagram; with <paramref name="allowSubscriptionPoint"/> false (cold
    /// observables, expectations) a <c>^</c> is a syntax error.
    /// </summary>
    public static IReadOnlyList<Recorded<Notification<T>>> ParseNotifications<T>(
        string marbles, IReadOnlyDictionary<char, T>? values, Exception? error, bool allowSubscriptionPoint)
    {
        ArgumentNullException.ThrowIfNull(marbles);
        var result = new List<Recorded<Notification<T>>>();
        long? subscriptionPoint = null;
        int? terminatedAt = null;

        foreach (var token in Tokenize(marbles))
        {
            switch (token.Char)
            {
                case '^':
                    if (!allowSubscriptionPoint)
                        throw Error("'^' (subscription point) is only allowed in hot observable diagrams", marbles, token.Index);
                    if (subscriptionPoint is not null)
                        throw Error("found a second subscription point '^'", marbles, token.Index);
                    if (token.InGroup)
                        throw Error("'^' is not allowed inside a group", marbles, token.Index);
                    subscriptionPoint = token.Time;
                    break;
                case '!':
                    throw Error("'!' (unsubscription point) is only allowed in subscription diagrams", marbles, token.Index);
                default:
                    if (terminatedAt is { } t)
                        throw Error(Invariant.F($"'{token.Char}' after the observable terminated ('{marbles[t]}' at column {t + 1})"), marbles, token.Index);
                    Notification<T> notification;
                    if (token.Char == '|')
                    {
                        notification = Notification.CreateOnCompleted<T>();
                        terminatedAt = token.Index;
                    }
                    else if (token.Char == '#')
                    {
                        notification = Notification.CreateOnError<T>(error ?? new MarbleError());
                        terminatedAt = token.Index;
                    }
                    else
                    {
                        notification = Notification.CreateOnNext(LookUp(token.Char, values, marbles, token.Index));
                    }

                    result.Add(new Recorded<Notification<T>>(token.Time, notification));
                    break;
            }
        }

        if (subscriptionPoint is { } zero && zero != 0)
        {
            for (var i = 0; i < result.Count; i++)
                result[i] = result[i] with { Time = result[i].Time - zero };
        }

        return result;
    }

    /// <summary>
    /// Parses a subscription diagram made of <c>-</c>, <c>^</c> (subscribe), <c>!</c> (unsubscribe),
    /// groups and time progressions. Without <c>^</c> the subscription starts at time 0; without
    /// <c>!</c> it never ends (<see cref="SubscriptionLog.Unsubscribed"/> is null).
    /// </summary>
    public static SubscriptionLog ParseSubscription(string marbles)
    {
        ArgumentNullException.ThrowIfNull(marbles);
        long? subscribed = null;
        long? unsubscribed = null;
        foreach (var token in Tokenize(marbles))
        {
            switch (token.Char)
            {
                case '^':
                    if (subscribed is not null)
                        throw Error("found a second subscription point '^'", marbles, token.Index);
                    if (unsubscribed is not null)
                        throw Error("'^' after the unsubscription point '!'", marbles, token.Index);
                    subscribed = token.Time;
                    break;
                case '!':
                    if (unsubscribed is not null)
                        throw Error("found a second unsubscription point '!'", marbles, token.Index);
                    unsubscribed = token.Time;
                    break;
                default:
                    throw Error($"only '-', '^', '!', groups and time progressions are allowed in a subscription diagram, found '{token.Char}'", marbles, token.Index);
            }
        }

        var start = subscribed ?? 0;
        if (unsubscribed < start)
            throw Error("'!' before the subscription point", marbles, marbles.IndexOf('!', StringComparison.Ordinal));
        return new SubscriptionLog(start, unsubscribed);
    }

    /// <summary>
    /// RxJS's <c>time()</c>: the virtual time (ticks) of the single <c>|</c> in the diagram,
    /// e.g. <c>"---|"</c> → 3 frames.
    /// </summary>
    public static long ParseTime(string marbles)
    {
        ArgumentNullException.ThrowIfNull(marbles);
        long? time = null;
        foreach (var token in Tokenize(marbles))
        {
            if (token.Char != '|' || time is not null)
                throw Error($"a time diagram may only contain '-', time progressions and a single '|', found '{token.Char}'", marbles, token.Index);
            time = token.Time;
        }

        return time ?? throw Error("a time diagram needs a '|' marking the end", marbles, -1);
    }

    private static T LookUp<T>(char c, IReadOnlyDictionary<char, T>? values, string marbles, int index)
    {
        if (values is not null)
        {
            return values.TryGetValue(c, out var v)
                ? v
                : throw Error($"value '{c}' is not in the values map (keys: {string.Join(", ", values.Keys.Select(k => "'" + k + "'"))})", marbles, index);
        }

        if (typeof(T) == typeof(string) || typeof(T) == typeof(object))
            return (T)(object)c.ToString();
        if (typeof(T) == typeof(char))
            return (T)(object)c;
        throw Error($"value '{c}' needs a values map: without one only string, char or object values are supported (T is {typeof(T).Name})", marbles, index);
    }

    private static MarbleSyntaxException Error(string reason, string marbles, int index) => new(reason, marbles, index + 1);

    private readonly record struct Token(char Char, long Time, int Index, bool InGroup);

    /// <summary>
    /// Walks the diagram, handling frames, spaces, groups and time progressions, and yields every
    /// character that is neither '-', ' ', '(' nor ')' with its time (relative to the diagram start).
    /// </summary>
    private static IEnumerable<Token> Tokenize(string marbles)
    {
        long frame = 0;
        long? groupStart = null;
        var groupIndex = -1;
        for (var i = 0; i < marbles.Length; i++)
        {
            var c = marbles[i];
            if (c == ' ')
                continue;

            if (char.IsAsciiDigit(c) && (i == 0 || marbles[i - 1] == ' '))
            {
                var match = TimeProgression().Match(marbles, i);
                if (match.Success)
                {
                    if (groupStart is not null)
                        throw Error("time progression inside a group", marbles, i);
                    frame = checked(frame + ToTicks(match.Groups[1].Value, match.Groups[2].Value));
                    i += match.Length - 1;
                    continue;
                }
            }

            switch (c)
            {
                case '-':
                    break;
                case '(':
                    if (groupStart is not null)
                        throw Error(Invariant.F($"nested groups are not supported (group opened at column {groupIndex + 1})"), marbles, i);
                    groupStart = frame;
                    groupIndex = i;
                    break;
                case ')':
                    if (groupStart is null)
                        throw Error("')' without a matching '('", marbles, i);
                    groupStart = null;
                    break;
                default:
                    yield return new Token(c, groupStart ?? frame, i, groupStart is not null);
                    break;
            }

            frame += MarbleScheduler.Frame;
        }

        if (groupStart is not null)
            throw Error("'(' is never closed", marbles, groupIndex);
    }

    private static long ToTicks(string number, string unit)
    {
        var value = decimal.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var ticksPerUnit = unit switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            _ => TimeSpan.TicksPerMinute,
        };
        return (long)decimal.Round(value * ticksPerUnit, MidpointRounding.AwayFromZero);
    }
}

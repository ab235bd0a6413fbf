using System.Diagnostics.CodeAnalysis;

namespace Rx.Mediation.Topics;

/// <summary>
/// A topic filter in MQTT's syntax, used by memory subscriptions, web clients and route sources:
/// levels separated by <c>/</c>, <c>+</c> matches exactly one level, <c>#</c> (last) matches any number of levels
/// including none. A pattern without wildcards matches that topic only.
/// </summary>
public sealed class TopicPattern : IEquatable<TopicPattern>
{
    private readonly string[]? _levels;

    private TopicPattern(string text, string[]? levels)
    {
        Text = text;
        _levels = levels;
    }

    /// <summary>Matches every topic.</summary>
    public static TopicPattern All { get; } = new("#", ["#"]);

    public string Text { get; }

    public bool IsWildcard => _levels is not null;

    public static TopicPattern Parse(string text)
    {
        if (!TryParse(text, out var pattern, out var error)) throw new FormatException(error);
        return pattern!;
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out TopicPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "a topic pattern must not be empty";
            return false;
        }
        if (text == "#")
        {
            pattern = All;
            error = null;
            return true;
        }
        if (!text.Contains('+') && !text.Contains('#'))
        {
            pattern = new TopicPattern(text, null);
            error = null;
            return true;
        }
        var levels = text.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level == "#" && i != levels.Length - 1)
            {
                error = $"'#' must be the last level of a topic pattern: '{text}'";
                return false;
            }
            if (level.Length > 1 && (level.Contains('#') || level.Contains('+')))
            {
                error = $"wildcards '+' and '#' must fill a whole level: '{text}'";
                return false;
            }
        }
        pattern = new TopicPattern(text, levels);
        error = null;
        return true;
    }

    public bool Matches(string topic)
    {
        var levels = _levels;
        if (levels is null) return string.Equals(Text, topic, StringComparison.Ordinal);
        var position = 0; // start of the current topic level; past the end once every level is consumed
        foreach (var level in levels)
        {
            if (level == "#") return true; // also matches the parent level itself, as in MQTT ("a/#" matches "a")
            if (position > topic.Length) return false;
            var end = topic.IndexOf('/', position);
            if (end < 0) end = topic.Length;
            if (level != "+" && !topic.AsSpan(position, end - position).SequenceEqual(level)) return false;
            position = end + 1;
        }
        return position > topic.Length;
    }

    /// <summary>
    /// Whether every topic this filter matches is also matched by <paramref name="wider"/> (<c>a/+/c</c> is within
    /// <c>a/#</c>; <c>#</c> is within <c>#</c> only): what decides if a subscription stays inside a client's rights.
    /// </summary>
    public bool IsWithin(TopicPattern wider)
    {
        ArgumentNullException.ThrowIfNull(wider);
        var mine = _levels ?? Text.Split('/');
        var theirs = wider._levels ?? wider.Text.Split('/');
        for (var i = 0; ; i++)
        {
            if (i == theirs.Length) return i == mine.Length;
            if (theirs[i] == "#") return true;
            if (i == mine.Length) return false;
            if (mine[i] == "#") return false;
            if (theirs[i] == "+") continue;
            if (mine[i] == "+" || mine[i] != theirs[i]) return false;
        }
    }

    public bool Equals(TopicPattern? other) => other is not null && Text == other.Text;

    public override bool Equals(object? obj) => obj is TopicPattern other && Equals(other);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}

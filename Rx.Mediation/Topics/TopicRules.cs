using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Rx.Mediation.Topics;

/// <summary>
/// What a topic or topic filter given by a client must be, so that every broker can carry it and every web format
/// (an SSE <c>event:</c> line, a JSON document, a WebSocket close reason) can show it unchanged: not empty, at most
/// <see cref="MaxBytes"/> of UTF-8, no control characters (NUL, CR, LF, …), valid Unicode, not starting with <c>$</c>
/// (reserved for the server and brokers, as MQTT's <c>$SYS</c>), and for a topic events are published on, no wildcard.
/// Every web entrypoint asks its one instance, so the rules cannot differ between protocols.
/// </summary>
public sealed class TopicRules
{
    public const int DefaultMaxBytes = 256;

    // A refusal quotes the topic; a long one is cut, so a refusal stays short enough for a WebSocket close reason.
    private const int QuotedChars = 40;

    public TopicRules(int maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxBytes = maxBytes;
    }

    public static TopicRules Default { get; } = new();

    /// <summary>The longest topic or filter taken, in UTF-8 bytes.</summary>
    public int MaxBytes { get; }

    /// <summary>A topic to publish an event on: the rules above, and no wildcard.</summary>
    public bool IsPublishable([NotNullWhen(true)] string? topic, [NotNullWhen(false)] out TopicRefusal? refusal)
    {
        refusal = Check(topic, "topic");
        if (refusal is null && topic!.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            refusal = new TopicRefusal(TopicRule.Wildcard,
                $"topic {Quote(topic!)} contains a wildcard ('+' or '#'): events are published on one concrete topic");
        }
        return refusal is null;
    }

    /// <summary>A filter to subscribe with: the rules above, wildcards as <see cref="TopicPattern"/> allows them.</summary>
    public bool TryParseFilter([NotNullWhen(true)] string? text, [NotNullWhen(true)] out TopicPattern? pattern, [NotNullWhen(false)] out TopicRefusal? refusal)
    {
        pattern = null;
        refusal = Check(text, "topic filter");
        if (refusal is not null) return false;
        if (TopicPattern.TryParse(text, out pattern, out var error)) return true;
        refusal = new TopicRefusal(TopicRule.BadFilter, error!);
        return false;
    }

    private TopicRefusal? Check(string? text, string what)
    {
        if (string.IsNullOrEmpty(text)) return new TopicRefusal(TopicRule.Empty, $"the {what} must not be empty");
        var bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
                return new TopicRefusal(TopicRule.ControlCharacter, $"the {what} contains the control character U+{(int)c:X4} at position {i}: {Quote(text)}");
            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                    return new TopicRefusal(TopicRule.InvalidUnicode, $"the {what} contains an unpaired surrogate at position {i}: it is not valid Unicode");
                bytes += 4;
                i++;
            }
            else
            {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            // Stops early: a 30,000-character topic is refused without reading it all.
            if (bytes > MaxBytes)
                return new TopicRefusal(TopicRule.TooLong, $"the {what} is longer than {MaxBytes} bytes of UTF-8: {Quote(text)}");
        }
        if (text[0] == '$')
            return new TopicRefusal(TopicRule.Reserved, $"topics starting with '$' are reserved for the server and brokers: {Quote(text)}");
        return null;
    }

    /// <summary>The topic in quotes for a message: at most a few dozen characters, control characters as <c>\uXXXX</c>.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("'");
        foreach (var c in text.Length > QuotedChars ? text.AsSpan(0, QuotedChars) : text)
        {
            if (char.IsControl(c) || char.IsSurrogate(c)) quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }
        return quoted.Append(text.Length > QuotedChars ? "…'" : "'").ToString();
    }
}

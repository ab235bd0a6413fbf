namespace Rx.Mediation.Topics;

/// <summary>The rule of <see cref="TopicRules"/> a refused topic broke; its <see cref="TopicRuleNames.ToName"/> is what clients are told.</summary>
public enum TopicRule
{
    Empty,
    TooLong,
    ControlCharacter,
    InvalidUnicode,
    Reserved,
    Wildcard,
    BadFilter,
}

public static class TopicRuleNames
{
    public static string ToName(this TopicRule rule) => rule switch
    {
        TopicRule.Empty => "empty",
        TopicRule.TooLong => "too-long",
        TopicRule.ControlCharacter => "control-character",
        TopicRule.InvalidUnicode => "invalid-unicode",
        TopicRule.Reserved => "reserved",
        TopicRule.Wildcard => "wildcard",
        _ => "bad-filter",
    };
}

using Rx.Mediation.Topics;

namespace Rx.Mediation.Specs.Core;

public sealed class TopicRulesSpecs
{
    [Theory]
    [InlineData("", TopicRule.Empty)]
    [InlineData("a\0b", TopicRule.ControlCharacter)]
    [InlineData("orders\r\nevent: forged", TopicRule.ControlCharacter)]
    [InlineData("tab\there", TopicRule.ControlCharacter)]
    [InlineData("c1\u0085control", TopicRule.ControlCharacter)]
    [InlineData("$SYS/x", TopicRule.Reserved)]
    [InlineData("orders/#", TopicRule.Wildcard)]
    [InlineData("a/+/b", TopicRule.Wildcard)]
    public void A_topic_breaking_a_rule_is_refused_naming_that_rule(string topic, TopicRule rule)
    {
        TopicRules.Default.IsPublishable(topic, out var refusal).ShouldBeFalse();
        refusal.Rule.ShouldBe(rule);
        refusal.RuleName.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void A_topic_with_an_unpaired_surrogate_is_refused_as_invalid_unicode()
    {
        // Not an InlineData: attribute strings are stored as UTF-8, which turns the lone surrogate into U+FFFD.
        TopicRules.Default.IsPublishable("half\ud800pair", out var refusal).ShouldBeFalse();
        refusal.Rule.ShouldBe(TopicRule.InvalidUnicode);
        TopicRules.Default.IsPublishable("late\udc00", out refusal).ShouldBeFalse();
        refusal.Rule.ShouldBe(TopicRule.InvalidUnicode);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("sensors/kitchen/temp")]
    [InlineData("a b/ü/😀")]
    [InlineData("a//b/")]
    [InlineData("orders$2")]
    public void Plain_topics_with_spaces_unicode_and_empty_levels_are_publishable(string topic) =>
        TopicRules.Default.IsPublishable(topic, out _).ShouldBeTrue();

    [Fact]
    public void The_length_limit_counts_utf8_bytes_not_characters()
    {
        var rules = new TopicRules(maxBytes: 256);
        rules.IsPublishable(new string('é', 128), out _).ShouldBeTrue(); // 256 bytes
        rules.IsPublishable(new string('é', 129), out var refusal).ShouldBeFalse();
        refusal.Rule.ShouldBe(TopicRule.TooLong);
        refusal.Message.ShouldContain("256 bytes");
        rules.IsPublishable(new string('a', 256), out _).ShouldBeTrue();
        rules.IsPublishable("😀" + new string('a', 253), out _).ShouldBeFalse(); // a surrogate pair is 4 bytes
    }

    [Fact]
    public void A_refusal_of_a_huge_topic_quotes_only_its_beginning_and_shows_control_characters_escaped()
    {
        TopicRules.Default.IsPublishable("\r" + new string('x', 30_000), out var refusal).ShouldBeFalse();
        refusal.Message.Length.ShouldBeLessThan(123, "it must fit a WebSocket close reason");
        refusal.Message.ShouldContain("\\u000d");
        refusal.Message.ShouldNotContain("\r");
    }

    [Theory]
    [InlineData("sensors/+/temp")]
    [InlineData("orders/#")]
    [InlineData("#")]
    public void Filters_may_use_wildcards(string filter)
    {
        TopicRules.Default.TryParseFilter(filter, out var pattern, out _).ShouldBeTrue();
        pattern.Text.ShouldBe(filter);
    }

    [Theory]
    [InlineData("a/#/b", TopicRule.BadFilter)]
    [InlineData("$SYS/#", TopicRule.Reserved)]
    [InlineData("a\nb/#", TopicRule.ControlCharacter)]
    public void Filters_follow_the_same_rules_and_the_wildcard_syntax(string filter, TopicRule rule)
    {
        TopicRules.Default.TryParseFilter(filter, out _, out var refusal).ShouldBeFalse();
        refusal.Rule.ShouldBe(rule);
    }
}

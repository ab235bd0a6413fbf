using Rx.Mediation.Topics;

namespace Rx.Mediation.Specs.Core;

public class TopicPatternSpecs
{
    [Theory]
    [InlineData("events", "events", true)]
    [InlineData("events", "events/x", false)]
    [InlineData("#", "anything/at/all", true)]
    [InlineData("sensors/+", "sensors/a", true)]
    [InlineData("sensors/+", "sensors/a/b", false)]
    [InlineData("sensors/+", "sensors", false)]
    [InlineData("sensors/+", "sensors/", true)]
    [InlineData("sensors/#", "sensors", true)]
    [InlineData("sensors/#", "sensors/a/b", true)]
    [InlineData("sensors/#", "other/a", false)]
    [InlineData("+/temp", "room/temp", true)]
    [InlineData("+/temp", "room/hum", false)]
    [InlineData("a/+/c/#", "a/b/c", true)]
    [InlineData("a/+/c/#", "a/b/d", false)]
    public void Patterns_match_like_mqtt_filters(string pattern, string topic, bool expected) =>
        TopicPattern.Parse(pattern).Matches(topic).ShouldBe(expected);

    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a/b#")]
    [InlineData("a+/b")]
    [InlineData("")]
    public void Malformed_patterns_are_refused_with_a_reason(string pattern)
    {
        TopicPattern.TryParse(pattern, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/+", true)]
    [InlineData("a/+/c", "a/#", true)]
    [InlineData("a", "a/#", true)]
    [InlineData("a/#", "a/#", true)]
    [InlineData("#", "#", true)]
    [InlineData("a/+", "a/+", true)]
    [InlineData("#", "a/#", false)]
    [InlineData("a/#", "a/+", false)]
    [InlineData("a/+", "a/b", false)]
    [InlineData("a/b/c", "a/+", false)]
    [InlineData("a", "a/+", false)]
    [InlineData("b/x", "a/#", false)]
    [InlineData("a/#", "a/+/#", false)]
    public void A_filter_is_within_another_only_when_every_topic_it_matches_the_other_matches_too(string filter, string wider, bool within)
    {
        TopicPattern.Parse(filter).IsWithin(TopicPattern.Parse(wider)).ShouldBe(within);
    }
}

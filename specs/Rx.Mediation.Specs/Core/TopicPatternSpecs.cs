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
}

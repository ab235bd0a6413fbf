using System.Buffers;
using System.Text;
using CsCheck;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Properties;

public sealed class TopicRuleProperties
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    [Fact]
    public void Every_topic_is_either_refused_for_a_rule_it_really_breaks_or_breaks_none() =>
        IngestGen.Topic.Sample(topic =>
        {
            if (TopicRules.Default.IsPublishable(topic, out var refusal))
            {
                Broken(topic).ShouldBeEmpty();
                topic.AsSpan().IndexOfAny('+', '#').ShouldBe(-1);
            }
            else
            {
                refusal.Message.ShouldNotBeNullOrWhiteSpace();
                if (refusal.Rule == TopicRule.Wildcard) topic.AsSpan().IndexOfAny('+', '#').ShouldBeGreaterThanOrEqualTo(0);
                else Broken(topic).ShouldContain(refusal.Rule);
            }
        }, iter: 5000);

    [Fact]
    public void Every_filter_is_either_refused_naming_a_rule_or_parsed_into_a_pattern_of_the_same_text() =>
        IngestGen.Topic.Sample(filter =>
        {
            if (TopicRules.Default.TryParseFilter(filter, out var pattern, out var refusal))
            {
                Broken(filter).ShouldBeEmpty();
                pattern.Text.ShouldBe(filter);
                pattern.Matches("a/b"); // matching any topic must not throw either
            }
            else
            {
                refusal.Message.ShouldNotBeNullOrWhiteSpace();
            }
        }, iter: 5000);

    [Fact]
    public void A_publishable_topic_reaches_sse_and_json_clients_unchanged() =>
        IngestGen.Topic.Sample(topic =>
        {
            if (!TopicRules.Default.IsPublishable(topic, out _)) return;
            var value = Event.FromText("http", topic, "x");

            var sse = new ArrayBufferWriter<byte>();
            SseFormat.WriteEvent(sse, value);
            Encoding.UTF8.GetString(sse.WrittenSpan).Split('\n').ShouldContain("event: " + topic);

            using var json = StrictJson.Parse(EventJson.ToUtf8(value));
            json.RootElement.GetProperty("topic").GetString().ShouldBe(topic);
        }, iter: 2000);

    /// <summary>The rules <paramref name="topic"/> breaks, found independently of <see cref="TopicRules"/>.</summary>
    private static List<TopicRule> Broken(string topic)
    {
        var broken = new List<TopicRule>();
        if (topic.Length == 0) return [TopicRule.Empty];
        if (topic.Any(char.IsControl)) broken.Add(TopicRule.ControlCharacter);
        try
        {
            if (Strict.GetByteCount(topic) > TopicRules.DefaultMaxBytes) broken.Add(TopicRule.TooLong);
        }
        catch (EncoderFallbackException)
        {
            broken.Add(TopicRule.InvalidUnicode);
            if (Encoding.UTF8.GetByteCount(topic) > TopicRules.DefaultMaxBytes) broken.Add(TopicRule.TooLong);
        }
        if (topic[0] == '$') broken.Add(TopicRule.Reserved);
        return broken;
    }
}

using System.Text;
using Rx.Mediation.Events;
using Rx.Mediation.Mqtt;

namespace Rx.Mediation.Mqtt.Specs;

public sealed class MappingSpecs
{
    [Fact]
    public void Mapped_headers_become_their_properties_and_the_rest_user_properties()
    {
        var headers = EventHeaders.From(("content-type", "application/json"), ("mqtt-response-topic", "replies/1"), ("correlation-id", "c-42"),
            ("mqtt-message-expiry", "60"), ("mqtt-qos", "0"), ("mqtt-retain", "true"), ("tenant", "acme"), ("trace", "t1"));

        var p = MqttHeaders.ToProperties(headers);

        p.ContentType.ShouldBe("application/json");
        p.ResponseTopic.ShouldBe("replies/1");
        Encoding.UTF8.GetString(p.CorrelationData!).ShouldBe("c-42");
        p.MessageExpiry.ShouldBe(60u);
        p.UserProperties.ShouldBe([new("tenant", "acme"), new("trace", "t1")]);
    }

    [Fact]
    public void A_malformed_expiry_is_an_error_naming_the_header()
    {
        Should.Throw<FormatException>(() => MqttHeaders.ToProperties(EventHeaders.From(("mqtt-message-expiry", "soon")))).Message.ShouldContain("mqtt-message-expiry");
    }

    [Fact]
    public void A_received_message_carries_its_properties_qos_and_retain_as_headers()
    {
        var message = new ReceivedMessage(7, "a/b", [1], 1, true, new MqttProperties
        {
            ContentType = "text/plain",
            ResponseTopic = "r",
            CorrelationData = "id-1"u8.ToArray(),
            MessageExpiry = 30,
            UserProperties = [new("k", "v1"), new("k", "v2"), new("other", "x")],
        });

        var headers = MqttHeaders.FromMessage(message);

        headers["content-type"].ShouldBe("text/plain");
        headers["mqtt-response-topic"].ShouldBe("r");
        headers["correlation-id"].ShouldBe("id-1");
        headers["mqtt-message-expiry"].ShouldBe("30");
        headers["mqtt-qos"].ShouldBe("1");
        headers["mqtt-retain"].ShouldBe("true");
        headers["k"].ShouldBe("v2"); // a later duplicate user property wins
        headers["other"].ShouldBe("x");
    }

    [Fact]
    public void Headers_survive_a_round_trip_through_properties()
    {
        var headers = EventHeaders.From(("content-type", "text/plain"), ("correlation-id", "x"), ("a", "1"));
        var p = MqttHeaders.ToProperties(headers);
        var back = MqttHeaders.FromMessage(new ReceivedMessage(1, "t", [], 1, false, p));
        back.Without("mqtt-qos").Without("mqtt-retain").SetEquals(headers).ShouldBeTrue(back.ToString());
    }

    [Theory]
    [InlineData("$share/group/sensors/+", "sensors/+")]
    [InlineData("sensors/#", "sensors/#")]
    public void Shared_subscriptions_match_without_their_group(string subscription, string filter) =>
        MqttTopics.MatchingFilter(subscription).ShouldBe(filter);

    [Theory]
    [InlineData("a/*/c", "a/+/c")]
    [InlineData("a/>", "a/#")]
    [InlineData("#share/g/a/*/c", "$share/g/a/+/c")]
    [InlineData("*", "+")]
    public void Solace_subscriptions_translate_to_mqtt_filters(string solace, string mqtt) =>
        Rx.Mediation.Solace.SolaceTopics.ToMqttFilter(solace).ShouldBe(mqtt);

    [Theory]
    [InlineData("a/>/c")]
    [InlineData("a/b*")]
    [InlineData("a/+/c")]
    [InlineData("a/#")]
    [InlineData("#noexport/a")]
    public void Solace_subscriptions_mqtt_cannot_express_are_refused(string solace) =>
        Should.Throw<FormatException>(() => Rx.Mediation.Solace.SolaceTopics.ToMqttFilter(solace));

    [Theory]
    [InlineData("orders/*/new", false)]
    [InlineData("orders/>", false)]
    [InlineData("orders/eu/new", true)]
    public void Solace_published_topics_carry_no_wildcards(string topic, bool ok) =>
        (Rx.Mediation.Solace.SolaceTopics.CheckPublishTopic(topic) is null).ShouldBe(ok);
}

using System.Text;
using CsCheck;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.WebSockets;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Properties;

public sealed class HeaderAndEnvelopeProperties
{
    [Fact]
    public void A_client_header_is_refused_with_a_reason_or_carried_unchanged_into_event_documents() =>
        Gen.Select(IngestGen.HeaderName, IngestGen.Text(40)).Sample((name, value) =>
        {
            var headers = EventHeaders.Empty;
            if (!ClientHeaders.TryAdd(ref headers, name, value, out var error))
            {
                error.ShouldNotBeNullOrWhiteSpace();
                return;
            }
            ClientHeaders.IsReserved(name).ShouldBeFalse();
            using var json = StrictJson.Parse(EventJson.ToUtf8(Event.Create("ws", "t", "x"u8.ToArray(), headers)));
            json.RootElement.GetProperty("headers").GetProperty(name).GetString().ShouldBe(value);
        }, iter: 5000);

    [Fact]
    public void Any_websocket_message_is_refused_with_a_reason_or_read_as_an_envelope_whose_event_clients_can_read() =>
        Gen.Frequency((4, IngestGen.Envelope.Select(Encoding.UTF8.GetBytes)), (1, IngestGen.Payload)).Sample(message =>
        {
            if (!InboundEnvelope.TryParse(message, out var envelope, out var error))
            {
                error.ShouldNotBeNullOrWhiteSpace();
                return;
            }
            envelope.Headers["content-type"].ShouldNotBeNull();
            var topic = envelope.Topic ?? "events";
            if (!TopicRules.Default.IsPublishable(topic, out _)) return; // refused by the session, with the rule
            using var json = StrictJson.Parse(WebSocketMessages.Envelope(Event.Create("ws", topic, envelope.Payload, envelope.Headers, "c-1")));
            json.RootElement.GetProperty("topic").GetString().ShouldBe(topic);
        }, iter: 5000);
}

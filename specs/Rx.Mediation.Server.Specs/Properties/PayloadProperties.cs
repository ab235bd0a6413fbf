using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Server.Specs.Support;

namespace Rx.Mediation.Server.Specs.Properties;

public sealed class PayloadProperties
{
    [Fact]
    public void Any_payload_is_written_into_an_event_document_every_strict_client_reads_back_to_the_same_bytes() =>
        IngestGen.Payload.Sample(payload =>
        {
            using var json = StrictJson.Parse(EventJson.ToUtf8(Event.Create("http", "t", payload)));
            var root = json.RootElement;
            var element = root.GetProperty("payload");
            var read = root.GetProperty("encoding").GetString() switch
            {
                "json" => Encoding.UTF8.GetBytes(element.GetRawText()),
                "text" => Encoding.UTF8.GetBytes(element.GetString()!),
                "base64" => element.GetBytesFromBase64(),
                var other => throw new ShouldAssertException($"unknown encoding '{other}'"),
            };
            if (root.GetProperty("encoding").GetString() == "json") read.ShouldBe(payload.AsSpan().Trim(" \t\r\n"u8).ToArray());
            else read.ShouldBe(payload);
        }, iter: 5000);

    [Fact]
    public void The_json_check_finds_a_fault_exactly_when_a_strict_reader_fails() =>
        IngestGen.Payload.Sample(payload =>
        {
            var fault = JsonCheck.Find(payload);
            bool strictlyValid;
            try
            {
                using var _ = StrictJson.Parse(payload);
                strictlyValid = true;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ShouldAssertException)
            {
                strictlyValid = false;
            }
            (fault is null).ShouldBe(strictlyValid, $"fault: {fault}");
            if (fault is not null) fault.Offset.ShouldBeInRange(0, payload.Length);
        }, iter: 5000);

    [Fact]
    public void Any_event_is_written_as_exactly_one_well_formed_sse_event() =>
        Gen.Select(IngestGen.Text(30), IngestGen.Payload, IngestGen.Text(20)).Sample((topic, payload, id) =>
        {
            var output = new ArrayBufferWriter<byte>();
            SseFormat.WriteEvent(output, Event.Create("http", topic, payload), id);
            System.Text.Unicode.Utf8.IsValid(output.WrittenSpan).ShouldBeTrue();
            var text = Encoding.UTF8.GetString(output.WrittenSpan);
            text.ShouldEndWith("\n\n");
            var lines = text[..^2].Split('\n');
            lines.ShouldAllBe(line => line.StartsWith("id: ") || line.StartsWith("event: ") || line.StartsWith("data: ") || line.StartsWith(": "));
            lines.ShouldAllBe(line => !line.Contains('\r'));
            lines.Count(l => l.StartsWith("event: ")).ShouldBe(1);
        }, iter: 3000);
}

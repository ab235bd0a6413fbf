using System.Buffers;
using System.Text.Json;
using Rx.Mediation.Events;

namespace Rx.Mediation.Operators.Json;

/// <summary>Turns a buffer of events into one event whose payload is a JSON array of their payloads.</summary>
internal static class BatchPayload
{
    public static Event Create(IList<Event> members, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var member in members) PayloadJson.Write(writer, member.Payload.Span);
            writer.WriteEndArray();
        }
        var first = members[0];
        return Event.CreateBatch(first.Source, first.Topic, members.ToArray(), buffer.WrittenMemory.ToArray(), now,
            EventHeaders.From(("content-type", "application/json"), ("batch-size", members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}

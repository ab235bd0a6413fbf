using System.Reflection;
using Rx.Mediation.Events;

namespace Rx.Mediation.Specs.Core;

public class EventSpecs
{
    [Fact]
    public void An_event_without_headers_allocates_no_header_storage()
    {
        var e = Event.FromText("http", "t", "x");
        var field = typeof(EventHeaders).GetField("_items", BindingFlags.NonPublic | BindingFlags.Instance)!;
        field.GetValue(e.Headers).ShouldBeNull();
        e.Headers.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Transformations_return_new_events_and_leave_the_original_alone()
    {
        var original = Event.FromText("http", "orders", "a", EventHeaders.From(("type", "order")));
        var changed = original.WithText("b").WithTopic("other").WithHeader("x", "1");

        original.Text.ShouldBe("a");
        original.Topic.ShouldBe("orders");
        original.Header("x").ShouldBeNull();
        changed.Text.ShouldBe("b");
        changed.Topic.ShouldBe("other");
        changed.Header("x").ShouldBe("1");
        changed.Header("type").ShouldBe("order");
    }

    [Fact]
    public void The_id_survives_transformations_so_a_message_can_be_traced_end_to_end()
    {
        var original = Event.FromText("http", "t", "a");
        original.WithText("b").WithSource("memory").WithClientId(null).Id.ShouldBe(original.Id);
    }

    [Fact]
    public void Generated_ids_are_unique_and_ordered_by_creation()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => Event.FromText("s", "t", "").Id).ToList();
        ids.Distinct().Count().ShouldBe(1000);
        ids.ShouldBe(ids.OrderBy(i => i, StringComparer.Ordinal).ToList());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(0x0123456789abcdefL)]
    [InlineData(long.MaxValue)]
    [InlineData(639_000_000_000_000_000L)]
    public void Ids_are_the_sequence_in_16_lowercase_hex_digits_as_a_string_and_as_utf8(long sequence)
    {
        var expected = sequence.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        EventIds.Format(sequence).ShouldBe(expected);
        EventIds.FormatUtf8(sequence).ShouldBe(System.Text.Encoding.ASCII.GetBytes(expected));
    }

    // A broker key taken from the id, before and after anyone read the id as a string, and for an id a source gave.
    [Fact]
    public void The_ids_utf8_bytes_are_the_bytes_of_its_string_whether_or_not_the_string_was_made_first()
    {
        var unread = Event.FromText("http", "t", "x");
        var bytes = unread.IdUtf8();
        System.Text.Encoding.UTF8.GetString(bytes).ShouldBe(unread.Id);
        unread.IdUtf8().ShouldBe(bytes);

        var given = Event.Create("kafka", "t", new byte[] { 1 }, id: "orders@0#17");
        System.Text.Encoding.UTF8.GetString(given.IdUtf8()).ShouldBe("orders@0#17");
    }

    [Fact]
    public void Header_names_compare_without_case_and_a_later_value_replaces_an_earlier_one()
    {
        var headers = EventHeaders.From(("Content-Type", "text/plain")).With("content-type", "application/json");
        headers.Count.ShouldBe(1);
        headers["CONTENT-TYPE"].ShouldBe("application/json");
        headers.Without("Content-type").IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Lifecycle_events_carry_their_kind_and_client()
    {
        var connect = Event.Connect("ws", "c1", "events");
        var disconnect = Event.Disconnect("ws", "c1", "events", reason: "gone");
        connect.Kind.ShouldBe(EventKind.Connect);
        disconnect.Kind.ShouldBe(EventKind.Disconnect);
        disconnect.ClientId.ShouldBe("c1");
        disconnect.Header("reason").ShouldBe("gone");
    }

    [Theory]
    [InlineData("{\"a\":1}", PayloadForm.Json)]
    [InlineData("[1,2]", PayloadForm.Json)]
    [InlineData("42", PayloadForm.Json)]
    [InlineData("hello", PayloadForm.Text)]
    [InlineData("{not json", PayloadForm.Text)]
    public void Payloads_are_classified_for_json_documents(string text, PayloadForm expected) =>
        PayloadJson.Classify(System.Text.Encoding.UTF8.GetBytes(text)).ShouldBe(expected);

    [Fact]
    public void Invalid_utf8_is_shown_as_base64() =>
        PayloadJson.Classify(new byte[] { 0xff, 0xfe, 0x00 }).ShouldBe(PayloadForm.Base64);
}

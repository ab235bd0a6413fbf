using System.Text;
using Rx.Mediation.Events;

namespace Rx.Mediation.Specs.Core;

public sealed class JsonCheckSpecs
{
    [Theory]
    [InlineData("{\"a\":[1,2,{\"b\":null}]}")]
    [InlineData("\"smile \\ud83d\\ude00\"")]
    [InlineData(" 42 ")]
    [InlineData("{\"ü\":\"€\"}")]
    public void Valid_json_in_valid_utf8_has_no_fault(string json) =>
        JsonCheck.Find(Encoding.UTF8.GetBytes(json)).ShouldBeNull();

    [Fact]
    public void Invalid_utf8_inside_a_string_is_a_fault_at_that_byte()
    {
        byte[] json = [(byte)'{', (byte)'"', (byte)'s', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];
        var fault = JsonCheck.Find(json).ShouldNotBeNull();
        fault.Offset.ShouldBe(6);
        fault.Reason.ShouldContain("UTF-8");
    }

    [Fact]
    public void An_escaped_unpaired_surrogate_is_a_fault_at_its_string()
    {
        var fault = JsonCheck.Find("{\"a\":\"\\ud800\"}"u8).ShouldNotBeNull();
        fault.Offset.ShouldBe(5);
        fault.Reason.ShouldContain("surrogate");
    }

    [Fact]
    public void A_syntax_error_on_a_later_line_is_reported_as_an_offset_from_the_start()
    {
        var fault = JsonCheck.Find("{\"a\":1,\n  x}"u8).ShouldNotBeNull();
        fault.Offset.ShouldBe(10);
        fault.Reason.ShouldNotContain("LineNumber");
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("{\"a\":")]
    public void Anything_but_exactly_one_json_value_is_a_fault(string text) =>
        JsonCheck.Find(Encoding.UTF8.GetBytes(text)).ShouldNotBeNull();

    [Fact]
    public void A_payload_whose_json_holds_invalid_utf8_is_shown_as_base64_not_embedded()
    {
        byte[] json = [(byte)'"', 0xFF, (byte)'"'];
        PayloadJson.Classify(json).ShouldBe(PayloadForm.Base64);
        PayloadJson.Classify("\"\\udc00\""u8).ShouldBe(PayloadForm.Text);
    }

    [Fact]
    public void Json_nested_deeper_than_documents_can_embed_is_shown_as_a_string()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 40) + new string(']', 40));
        JsonCheck.Find(deep).ShouldBeNull(); // valid JSON, taken from a client
        PayloadJson.Classify(deep).ShouldBe(PayloadForm.Text); // but not embedded raw, where it would pass 64 levels
    }
}

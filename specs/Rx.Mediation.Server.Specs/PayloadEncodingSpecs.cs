using System.Text;
using System.Text.Json;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Entrypoints;

namespace Rx.Mediation.Server.Specs;

public sealed class PayloadEncodingSpecs
{
    [Theory]
    [InlineData("{\"a\":1}", PayloadForm.Json)]
    [InlineData(" [1,2] ", PayloadForm.Json)]
    [InlineData("42", PayloadForm.Json)]
    [InlineData("\"quoted\"", PayloadForm.Json)]
    [InlineData("hello", PayloadForm.Text)]
    [InlineData("{not json", PayloadForm.Text)]
    [InlineData("1 2", PayloadForm.Text)]
    [InlineData("", PayloadForm.Text)]
    public void Text_payloads_are_json_when_they_parse_as_one_json_value(string payload, PayloadForm expected) =>
        PayloadJson.Classify(Encoding.UTF8.GetBytes(payload)).ShouldBe(expected);

    [Fact]
    public void Invalid_utf8_is_base64()
    {
        byte[] bytes = [0xc3, 0x28, 0xff];
        PayloadJson.Classify(bytes).ShouldBe(PayloadForm.Base64);
        Written(bytes).ShouldBe($"{{\"payload\":\"{Convert.ToBase64String(bytes)}\",\"encoding\":\"base64\"}}");
    }

    [Fact]
    public void Json_is_embedded_and_text_is_a_string()
    {
        Written("{\"a\":[1]}"u8.ToArray()).ShouldBe("{\"payload\":{\"a\":[1]},\"encoding\":\"json\"}");
        Written("héllo"u8.ToArray()).ShouldBe("{\"payload\":\"h\\u00E9llo\",\"encoding\":\"text\"}");
    }

    private static string Written(byte[] payload)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            EventJson.WritePayload(writer, payload);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

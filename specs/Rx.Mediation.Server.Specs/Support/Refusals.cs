using System.Net;
using System.Text.Json;

namespace Rx.Mediation.Server.Specs.Support;

/// <summary>What every entrypoint's refusal of a bad topic looks like: 400 <c>bad-topic</c>, a message, and the rule broken.</summary>
public static class Refusals
{
    public static async Task ShouldRefuseTopicAsync(this HttpResponseMessage response, string rule)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe("bad-topic");
        json.RootElement.GetProperty("details").GetProperty("rule").GetString().ShouldBe(rule);
        json.RootElement.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
    }
}

using System.Net;
using System.Text.Json;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class PollSpecs
{
    [Fact]
    public async Task A_long_poll_is_answered_as_soon_as_an_event_arrives_and_its_cursor_moves_on()
    {
        await using var server = await RunningServer.StartAsync();
        var poll = server.Http.GetAsync("/poll?topic=events&timeout=30");
        await Eventually.TrueAsync(() => server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.Polling.PollEntrypoint>().Sessions.Count == 1, "the poll is waiting");

        var id = await server.PostAcceptedAsync("events", "{\"n\":1}");
        using var response = await poll.WaitAsync(Eventually.DefaultTimeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = json.RootElement.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("id").GetString().ShouldBe(id);
        item.GetProperty("encoding").GetString().ShouldBe("json");
        item.GetProperty("payload").GetProperty("n").GetInt32().ShouldBe(1);
        var cursor = json.RootElement.GetProperty("nextCursor").GetString();

        using var again = await server.Http.GetAsync($"/poll?topic=events&timeout=0&cursor={cursor}");
        using var empty = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        empty.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0);
        empty.RootElement.GetProperty("nextCursor").GetString().ShouldBe(cursor);
    }

    [Fact]
    public async Task Without_a_cursor_polling_starts_from_the_oldest_buffered_event_and_limit_pages()
    {
        await using var server = await RunningServer.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await server.PostAcceptedAsync("events", "e" + i));
        var log = server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.Polling.PollEntrypoint>().Log;
        await Eventually.TrueAsync(() => log.LastSequence >= 5, "the poll entrypoint buffered the events");

        using var first = JsonDocument.Parse(await server.Http.GetStringAsync("/poll?topic=events&limit=3&timeout=0"));
        first.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldBe(ids.Take(3));
        var cursor = first.RootElement.GetProperty("nextCursor").GetString();
        using var second = JsonDocument.Parse(await server.Http.GetStringAsync($"/poll?topic=events&limit=3&timeout=0&cursor={cursor}"));
        second.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldBe(ids.Skip(3));
    }

    [Fact]
    public async Task A_poll_that_times_out_answers_with_no_items()
    {
        await using var server = await RunningServer.StartAsync();
        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/poll?topic=quiet&timeout=0.2"));
        json.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0);
        json.RootElement.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("cursor=nonsense", "bad-cursor")]
    [InlineData("cursor=12", "bad-cursor")]
    [InlineData("limit=0", "bad-limit")]
    [InlineData("limit=abc", "bad-limit")]
    [InlineData("limit=100000", "bad-limit")]
    [InlineData("timeout=soon", "bad-timeout")]
    [InlineData("topic=a/%23/b", "bad-topic")]
    public async Task Bad_parameters_are_answered_400_with_a_clear_message(string query, string error)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync("/poll?" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("error").GetString().ShouldBe(error);
        json.RootElement.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_poll_of_a_topic_longer_than_the_limit_is_answered_400_naming_the_rule()
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync($"/poll?topic={new string('t', 300)}&timeout=0");
        await response.ShouldRefuseTopicAsync("too-long");
    }
}

using System.Text.Json;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>The SSE replay and poll buffers' bounds as clients see them: pages in bytes, gaps told, evictions counted.</summary>
public sealed class BufferBudgetSpecs
{
    [Fact]
    public async Task A_poll_page_ends_at_its_byte_budget_and_the_next_cursor_goes_on_from_there()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Poll.MaxPageBytes = 20_000);
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add(await server.PostAcceptedAsync("pages", new string((char)('a' + i), 8_000)));
        await Eventually.TrueAsync(() => server.Entrypoint<PollEntrypoint>().Log.LastSequence >= 7, "the poll entrypoint buffered the events");

        var pages = new List<List<string>>();
        string? cursor = null;
        while (pages.Sum(p => p.Count) < ids.Count)
        {
            using var page = await PollAsync(server, $"/poll?topic=pages&limit=100&timeout=0{(cursor is null ? "" : "&cursor=" + cursor)}");
            pages.Add([.. page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)]);
            pages[^1].ShouldNotBeEmpty();
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }

        pages.Select(p => p.Count).ShouldBe([2, 2, 2, 1], "two events of about 8 kB fit in 20,000 bytes, a third does not");
        pages.SelectMany(p => p).ShouldBe(ids);
    }

    [Fact]
    public async Task A_poll_after_evicted_events_says_gap_and_the_evictions_are_counted_as_drops()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Poll.CapacityPerTopic = 2);
        var poll = server.Entrypoint<PollEntrypoint>();
        await server.PostAcceptedAsync("t", "1");
        await Eventually.TrueAsync(() => poll.Log.LastSequence >= 1, "the first event is buffered");
        using var first = await PollAsync(server, "/poll?topic=t&timeout=0");
        var cursor = first.RootElement.GetProperty("nextCursor").GetString();
        first.RootElement.TryGetProperty("gap", out _).ShouldBeFalse();

        foreach (var text in new[] { "2", "3", "4" }) await server.PostAcceptedAsync("t", text);
        await Eventually.TrueAsync(() => poll.Log.LastSequence >= 4, "the other events are buffered");

        using var next = await PollAsync(server, $"/poll?topic=t&timeout=0&cursor={cursor}");
        next.RootElement.GetProperty("gap").GetBoolean().ShouldBeTrue();
        next.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("payload").GetInt32()).ShouldBe([3, 4]);
        poll.Drops[DropReason.BufferTopicEvents].ShouldBe(1, "event 1 was read before it went, event 2 never was");

        using var after = await PollAsync(server, $"/poll?topic=t&timeout=0&cursor={next.RootElement.GetProperty("nextCursor").GetString()}");
        after.RootElement.TryGetProperty("gap", out _).ShouldBeFalse("nothing after that page was evicted");
    }

    [Fact]
    public async Task An_sse_resume_after_evicted_events_says_gap_and_sends_what_is_left()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Sse.ReplayCapacityPerTopic = 2);
        var ids = new List<string>();
        for (var i = 1; i <= 4; i++) ids.Add(await server.PostAcceptedAsync("t", "e" + i));
        await Eventually.TrueAsync(() => server.Entrypoint<SseEntrypoint>().Log.LastSequence >= 4, "the events are buffered");

        // Events 1 and 2 are gone: a client that had event 1 gets what is left, told it missed some.
        await using var evicted = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=t"), lastEventId: ids[0]);
        evicted.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).Single().ShouldBe("gap");
        (await evicted.NextAsync(includeComments: true)).Comment!.ShouldStartWith("resume: events after the Last-Event-ID are no longer buffered");
        (await evicted.NextAsync(2)).Select(m => m.Data).ShouldBe(["e3", "e4"]);

        await using var kept = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=t"), lastEventId: ids[2]);
        kept.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).Single().ShouldBe("buffer");
        (await kept.NextAsync()).Data.ShouldBe("e4");
    }

    [Fact]
    public async Task An_sse_resume_replays_more_events_than_a_page_in_order_and_then_goes_live_without_duplicates()
    {
        await using var server = await RunningServer.StartAsync();
        var first = await server.PostAcceptedAsync("many", "0");
        var posted = new List<string>();
        for (var i = 1; i <= 600; i++) posted.Add(await server.PostAcceptedAsync(i % 2 == 0 ? "many" : "other", i.ToString()));
        await Eventually.TrueAsync(() => server.Entrypoint<SseEntrypoint>().Log.LastSequence >= 601, "the events are buffered");

        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=many&topic=other"), lastEventId: first);
        sse.Response.Headers.GetValues(SseEntrypoint.ResumeHeader).Single().ShouldBe("buffer");
        var live = await server.PostAcceptedAsync("many", "live");

        var received = await sse.NextAsync(601);
        received.Select(m => m.Id).ShouldBe([.. posted, live]);
    }

    private static async Task<JsonDocument> PollAsync(RunningServer server, string pathAndQuery) =>
        JsonDocument.Parse(await server.Http.GetStringAsync(pathAndQuery));
}

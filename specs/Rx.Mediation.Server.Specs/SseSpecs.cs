using System.Text;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class SseSpecs
{
    [Fact]
    public async Task The_wire_format_has_id_event_and_one_data_line_per_payload_line()
    {
        await using var server = await RunningServer.StartAsync();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=news/%2B"));
        sse.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");

        var id = await server.PostAcceptedAsync("news/today", "line1\nline2\r\nline3");

        var message = await sse.NextAsync();
        message.Id.ShouldBe(id);
        message.Event.ShouldBe("news/today");
        message.Data.ShouldBe("line1\nline2\nline3");
        sse.Raw.ShouldContain($"id: {id}\nevent: news/today\ndata: line1\ndata: line2\ndata: line3\n\n");
    }

    [Fact]
    public async Task A_heartbeat_comment_is_sent_every_interval()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.Sse.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse"));

        (await sse.NextAsync(includeComments: true)).Comment.ShouldBe("keepalive");
        (await sse.NextAsync(includeComments: true)).Comment.ShouldBe("keepalive");
        sse.Raw.ShouldContain(": keepalive\n\n");
    }

    [Fact]
    public async Task Last_event_id_resumes_with_the_buffered_events_after_it_then_live_ones()
    {
        await using var server = await RunningServer.StartAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++) ids.Add(await server.PostAcceptedAsync("events", "e" + i));
        var log = server.Entrypoint<SseEntrypoint>().Log;
        await Eventually.TrueAsync(() => log.LastSequence >= 3, "the SSE entrypoint buffered the three events");

        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"), lastEventId: ids[0]);
        var replayed = await sse.NextAsync(2);
        replayed.Select(m => m.Id).ShouldBe(ids.Skip(1));
        replayed.Select(m => m.Data).ShouldBe(["e2", "e3"]);

        var live = await server.PostAcceptedAsync("events", "e4");
        var next = await sse.NextAsync();
        next.Id.ShouldBe(live);

        // Also through the query string (EventSource cannot set headers on its first connection).
        await using var byQuery = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=events&lastEventId={ids[2]}"));
        (await byQuery.NextAsync()).Id.ShouldBe(live);
    }

    [Fact]
    public async Task A_client_that_stops_reading_has_its_drops_counted_while_another_receives_everything()
    {
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Options.Sse.SendQueueCapacity = 16;
            b.Options.Sse.SlowClientPolicy = SlowClientPolicy.DropOldest;
            b.Options.Sse.ReplayCapacityPerTopic = 16;
            b.Options.Poll.CapacityPerTopic = 16;
        });
        var sse = server.Entrypoint<SseEntrypoint>();
        await using var stalled = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"), read: false, receiveBuffer: 4096);
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"));
        await Eventually.TrueAsync(() => sse.Clients.Count == 2, "both clients are registered");

        var payload = new string('x', 32 * 1024);
        var posted = new List<string>();
        var received = new List<SseMessage>();
        // Batches smaller than the queue, each waited for by the reading client: it never lags by more than a
        // batch, so only the stalled client can overflow, however slow the machine.
        while (sse.Drops[DropReason.SlowClient] == 0)
        {
            posted.Count.ShouldBeLessThan(4000, "the stalled client never overflowed");
            for (var i = 0; i < 8; i++) posted.Add(await server.PostAcceptedAsync("events", payload));
            received.AddRange(await reader.NextAsync(posted.Count - received.Count));
        }
        for (var i = 0; i < 8; i++) posted.Add(await server.PostAcceptedAsync("events", payload));
        received.AddRange(await reader.NextAsync(posted.Count - received.Count));

        received.Select(m => m.Id).ShouldBe(posted);
        sse.Drops[DropReason.SlowClient].ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Binary_payloads_are_sent_as_base64_announced_by_a_comment()
    {
        await using var server = await RunningServer.StartAsync();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse"));
        var bytes = new byte[] { 0xff, 0x00, 0xfe };
        (await server.Http.PostAsync("/events", new ByteArrayContent(bytes))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);

        var message = await sse.NextAsync();
        Convert.FromBase64String(message.Data).ShouldBe(bytes);
        sse.Raw.ShouldContain(": encoding=base64\n");
    }

    [Fact]
    public void The_format_splits_every_kind_of_line_break()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        SseFormat.WriteEvent(buffer, Events.Event.FromText("t", "a/b", "1\r2\n3\r\n4"));
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        text.ShouldEndWith("event: a/b\ndata: 1\ndata: 2\ndata: 3\ndata: 4\n\n");
        text.ShouldStartWith("id: ");
    }

    [Theory]
    [InlineData("orders%0D%0Aevent:%20forged", "control-character")]
    [InlineData("%24SYS/%23", "reserved")]
    [InlineData("a/%23/b", "bad-filter")]
    public async Task A_subscription_to_a_refused_topic_is_answered_400_naming_the_rule(string topic, string rule)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync($"/sse?topic={topic}");
        await response.ShouldRefuseTopicAsync(rule);
    }
}

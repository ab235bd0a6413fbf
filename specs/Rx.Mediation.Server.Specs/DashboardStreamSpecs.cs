using System.Net;
using System.Reactive.Concurrency;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Hosting.Operations.Dashboard;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>The dashboard's stream (/ui/stream) as a client reads it, and the limits that keep a flood from overwhelming it.</summary>
public sealed class DashboardStreamSpecs
{
    [Fact]
    public async Task The_page_and_its_assets_are_served_by_the_server_itself_with_no_outside_source()
    {
        await using var server = await RunningServer.StartAsync();
        using var page = await server.Http.GetAsync("/ui");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("connect-src 'self'");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("/ui/app.js");
        html.ShouldContain("/ui/app.css");
        html.ShouldNotContain("http://");
        html.ShouldNotContain("https://");
        foreach (var (path, type) in new[] { ("/ui/app.js", "text/javascript"), ("/ui/app.css", "text/css"), ("/ui/favicon.svg", "image/svg+xml"), ("/ui/", "text/html") })
        {
            using var asset = await server.Http.GetAsync(path);
            asset.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            asset.Content.Headers.ContentType!.MediaType.ShouldBe(type, path);
        }
        var script = await server.Http.GetStringAsync("/ui/app.js");
        script.ShouldNotContain("https://");
    }

    [Fact]
    public async Task A_viewer_gets_a_snapshot_at_once_then_marbles_for_posted_events_and_the_tap_is_attached_only_while_it_watches()
    {
        await using var server = await RunningServer.StartAsync();
        var hub = server.App.Services.GetRequiredService<DashboardHub>();
        hub.IsTapping.ShouldBeFalse("nobody watches yet");

        await using (var stream = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/ui/stream")))
        {
            stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            var first = await stream.NextAsync();
            first.Event.ShouldBe("snapshot");
            using (var snapshot = JsonDocument.Parse(first.Data))
            {
                snapshot.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ShouldBe(["ingress", "egress"], ignoreOrder: true);
                snapshot.RootElement.GetProperty("entrypoints").GetArrayLength().ShouldBe(4);
            }
            hub.IsTapping.ShouldBeTrue("the marble tap is attached while a viewer watches");

            var ids = new List<string>();
            for (var i = 0; i < 3; i++) ids.Add(await server.PostAcceptedAsync("events", $"{{\"n\":{i}}}"));

            // Marbles: each posted event is seen received and routed by ingress (into memory), then by egress.
            var seen = new HashSet<(string Route, string Stage, string Id)>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!ids.All(id => seen.Contains(("ingress", "received", id)) && seen.Contains(("ingress", "routed", id)) && seen.Contains(("egress", "routed", id))))
            {
                if (DateTime.UtcNow > deadline) throw new ShouldAssertException("marbles missing; seen: " + string.Join(", ", seen));
                var message = await stream.NextAsync();
                if (message.Event != "marbles") continue;
                using var batch = JsonDocument.Parse(message.Data);
                foreach (var marble in batch.RootElement.GetProperty("marbles").EnumerateArray())
                {
                    seen.Add((marble.GetProperty("route").GetString()!, marble.GetProperty("stage").GetString()!, marble.GetProperty("id").GetString()!));
                    if (marble.GetProperty("route").GetString() == "ingress" && marble.GetProperty("stage").GetString() == "received")
                    {
                        marble.GetProperty("topic").GetString().ShouldBe("events");
                        marble.GetProperty("label").GetString()!.ShouldStartWith("{\"n\":");
                        marble.GetProperty("t").GetInt64().ShouldBeGreaterThan(0);
                    }
                }
            }
            seen.ShouldNotContain(m => m.Stage == "delivered", "deliveries per target are not sent");

            // Snapshots keep coming, with the counters moved.
            while (true)
            {
                var message = await stream.NextAsync();
                if (message.Event != "snapshot") continue;
                using var snapshot = JsonDocument.Parse(message.Data);
                var ingress = snapshot.RootElement.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "ingress");
                if (ingress.GetProperty("counters").GetProperty("accepted").GetInt64() == 3) break;
            }
        }
        await Eventually.TrueAsync(() => !hub.IsTapping && hub.ViewerCount == 0, "the tap is detached once the last viewer left");
    }

    [Fact]
    public async Task Viewers_beyond_the_limit_are_told_to_come_back_later()
    {
        await using var server = await RunningServer.StartAsync();
        server.App.Services.GetRequiredService<DashboardOptions>().MaxViewers = 1;
        await using var first = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/ui/stream"));
        (await first.NextAsync()).Event.ShouldBe("snapshot");
        using var second = await server.Http.GetAsync("/ui/stream");
        second.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        second.Headers.RetryAfter.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_watching_dashboard_does_not_hold_up_shutdown()
    {
        var server = await RunningServer.StartAsync();
        try
        {
            await using var stream = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/ui/stream"));
            (await stream.NextAsync()).Event.ShouldBe("snapshot");
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await server.StopAsync();
            stopping.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8), "the viewer's stream ends as the server begins to stop");
            await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void The_tap_sends_at_most_the_cap_per_route_stage_and_second_and_counts_the_rest()
    {
        var clock = new HistoricalScheduler(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var tap = new MarbleTap(new DashboardOptions { MarblesPerSecond = 5 }, clock);
        var value = Event.FromText("http", "events", "hello");
        for (var i = 0; i < 12; i++) tap.OnFlow(new FlowRecord(FlowStage.Received, "a", value, "http", null, clock.Now));
        for (var i = 0; i < 3; i++) tap.OnFlow(new FlowRecord(FlowStage.Received, "b", value, "http", null, clock.Now));
        for (var i = 0; i < 7; i++) tap.OnFlow(new FlowRecord(FlowStage.Dropped, "a", value, null, "drop-new", clock.Now));
        for (var i = 0; i < 9; i++) tap.OnFlow(new FlowRecord(FlowStage.Delivered, "a", value, "memory", null, clock.Now));

        var batch = tap.Drain();
        batch.Marbles.Count(m => m.Route == "a" && m.Stage == "received").ShouldBe(5);
        batch.Marbles.Count(m => m.Route == "b" && m.Stage == "received").ShouldBe(3);
        batch.Marbles.Count(m => m.Route == "a" && m.Stage == "dropped").ShouldBe(5);
        batch.Marbles.Where(m => m.Stage == "dropped").ShouldAllBe(m => m.Reason == "drop-new");
        batch.Marbles.ShouldNotContain(m => m.Stage == "delivered");
        batch.Suppressed.ShouldBe([new SuppressedCount("a", "received", 7), new SuppressedCount("a", "dropped", 2)], ignoreOrder: true);
        batch.Overflow.ShouldBe(0);
        tap.Drain().IsEmpty.ShouldBeTrue("what was drained is gone");

        // The next second has its own allowance.
        clock.AdvanceBy(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 6; i++) tap.OnFlow(new FlowRecord(FlowStage.Received, "a", value, "http", null, clock.Now));
        var next = tap.Drain();
        next.Marbles.Count.ShouldBe(5);
        next.Suppressed.ShouldBe([new SuppressedCount("a", "received", 1)]);
    }

    [Fact]
    public void The_tap_never_blocks_a_route_when_nobody_drains_it_it_counts_the_overflow()
    {
        var clock = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var tap = new MarbleTap(new DashboardOptions { MarblesPerSecond = 1000, MarbleQueueCapacity = 10 }, clock);
        var value = Event.FromText("http", "events", "x");
        for (var i = 0; i < 25; i++) tap.OnFlow(new FlowRecord(FlowStage.Routed, "a", value, null, null, clock.Now));
        var batch = tap.Drain();
        batch.Marbles.Count.ShouldBe(10);
        batch.Overflow.ShouldBe(15);
    }

    [Fact]
    public void Marble_labels_are_short_single_line_and_say_when_an_event_is_a_batch()
    {
        var clock = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var tap = new MarbleTap(new DashboardOptions { LabelLength = 8 }, clock);
        tap.OnFlow(new FlowRecord(FlowStage.Received, "a", Event.FromText("http", "events", "line one\nline two and more"), "http", null, clock.Now));
        tap.OnFlow(new FlowRecord(FlowStage.Received, "a", Event.FromText("http", "events", "short"), "http", null, clock.Now));
        var members = new[] { Event.FromText("http", "events", "1"), Event.FromText("http", "events", "2") };
        tap.OnFlow(new FlowRecord(FlowStage.Routed, "a", Event.CreateBatch("http", "events", members, "[1,2]"u8.ToArray(), clock.Now), null, null, clock.Now));
        var labels = tap.Drain().Marbles.Select(m => m.Label).ToList();
        labels.ShouldBe(["line one…", "short", "batch of 2"]);
    }

    [Fact]
    public async Task A_viewer_that_reads_too_slowly_loses_whole_messages_counted_and_never_blocks_the_others()
    {
        await using var engine = new MediationEngine();
        var hub = new DashboardHub(engine, new AdminSnapshotBuilder(engine, null, null, Scheduler.Default),
            new DashboardOptions { ViewerQueueCapacity = 3, SnapshotInterval = TimeSpan.FromHours(1), FlushInterval = TimeSpan.FromHours(1) },
            Scheduler.Default, NullLogger<DashboardHub>.Instance);
        using var slow = hub.Join()!;
        using var fast = hub.Join()!;
        for (var i = 0; i < 10; i++)
        {
            hub.SendSnapshot();
            while (fast.Reader.TryRead(out _)) { }
        }
        slow.Dropped.ShouldBe(8, "three fit: the first snapshot and two more; the other eight were dropped");
        fast.Dropped.ShouldBe(0);
        engine.Taps.IsEmpty.ShouldBeFalse();
        hub.Dispose();
        engine.Taps.IsEmpty.ShouldBeTrue("a disposed hub detaches its tap");
        var queued = 0;
        while (slow.Reader.TryRead(out _)) queued++;
        queued.ShouldBe(3);
        await slow.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5)); // its stream ends once what was queued is sent
    }
}

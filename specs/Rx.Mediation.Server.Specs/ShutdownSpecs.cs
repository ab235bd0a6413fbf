using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Reactive.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class ShutdownSpecs
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stopping_while_clients_post_loses_no_accepted_event(bool throughMemoryBroker)
    {
        // A slow target and a small bridge: when the stop begins, accepted events are still waiting in the routes.
        var sink = new RecordingNode("sink", perEvent: TimeSpan.FromMilliseconds(1));
        var bridge = new BridgeOptions { Capacity = 64, BackpressureTimeout = TimeSpan.FromSeconds(5) };
        var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(sink);
            b.Routes = throughMemoryBroker
                ? [
                    new RouteDefinition { Name = "ingress", Sources = [new SourceBinding("http")], Targets = ["memory"], Bridge = bridge },
                    new RouteDefinition { Name = "egress", Sources = [new SourceBinding("memory")], Targets = ["sink"], Bridge = bridge },
                ]
                : [new RouteDefinition { Name = "ingress", Sources = [new SourceBinding("http")], Targets = ["sink"], Bridge = bridge }];
        });
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        using var stop = new CancellationTokenSource();

        async Task PostLoop(int worker)
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; !stop.IsCancellationRequested && i < 5000; i++)
            {
                try
                {
                    using var response = await http.PostAsync("/events", new StringContent($"w{worker}-{i}"));
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        accepted.Add(json.RootElement.GetProperty("id").GetString()!);
                    }
                    else
                    {
                        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the listener is gone
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => PostLoop(w))).ToList();
        await Eventually.TrueAsync(() => accepted.Count >= 200, "the posters got going");
        await server.StopAsync();
        stop.Cancel();
        await Task.WhenAll(workers).WaitAsync(Eventually.DefaultTimeout);

        var received = sink.Received.Select(e => e.Id).ToHashSet();
        accepted.Count.ShouldBeGreaterThanOrEqualTo(200);
        var drops = string.Join("; ", server.Engine.Routes.Select(r => $"{r.Name}: {string.Join(",", r.Counters.Dropped.ToDictionary())}"));
        accepted.Where(id => !received.Contains(id)).ShouldBeEmpty($"{accepted.Count} accepted, {received.Count} received, drops {drops}");
        server.Engine.Routes.Sum(r => r.Counters.Dropped.Total).ShouldBe(0, drops);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_websocket_message_waiting_for_room_keeps_its_entrypoint_busy_until_the_route_takes_it()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(blocked);
            b.Routes = [new RouteDefinition
            {
                Name = "slow",
                Sources = [new SourceBinding("ws")],
                Targets = ["blocked"],
                Bridge = new BridgeOptions { Capacity = 1, Overflow = OverflowStrategy.Backpressure, BackpressureTimeout = TimeSpan.FromSeconds(30) },
            }];
        });
        try
        {
            await using var client = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events"));
            await client.ReceiveJsonAsync(); // welcome
            // One at a time, so that m1 is held by the blocked target, m2 fills the bridge and m3 waits for room.
            var route = server.Engine.FindRoute("slow")!;
            await client.SendTextAsync("m1");
            await Eventually.TrueAsync(() => route.Counters.Accepted == 1 && route.Bridge.Count == 0, "m1 taken by the target");
            await client.SendTextAsync("m2");
            await Eventually.TrueAsync(() => route.Counters.Accepted == 2 && route.Bridge.Count == 1, "m2 buffered");
            await client.SendTextAsync("m3");
            await Eventually.TrueAsync(() => route.Bridge.Count == 2, "m3 waiting");
            route.Counters.Accepted.ShouldBe(2);

            var entrypoint = server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.WebSockets.WebSocketEntrypoint>();
            entrypoint.Refuse();
            var idle = entrypoint.WhenIdleAsync(CancellationToken.None);
            await Task.WhenAny(idle, Task.Delay(200));
            idle.IsCompleted.ShouldBeFalse("m3 is still in flight");

            blocked.Release();
            await idle.WaitAsync(Eventually.DefaultTimeout);
            await Eventually.TrueAsync(() => blocked.Count == 3, "all three delivered");
        }
        finally
        {
            blocked.Release();
        }
    }

    [Fact]
    public async Task A_websocket_client_that_keeps_sending_does_not_keep_a_stopping_entrypoint_busy()
    {
        var sink = new RecordingNode("sink");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(sink);
            b.Routes = [new RouteDefinition { Name = "all", Sources = [new SourceBinding("ws")], Targets = ["sink"] }];
        });
        await using var client = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events"));
        await client.ReceiveJsonAsync(); // welcome
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; !stop.IsCancellationRequested; i++) await client.SendTextAsync($"m{i}");
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // aborted at the end
            }
        });
        // The refusals must be read, or the server's answers fill the connection and the client can no longer send.
        var rejected = 0;
        var receiving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var (type, data) = await client.ReceiveAsync(TimeSpan.FromMinutes(1));
                    if (type == WebSocketMessageType.Close) return;
                    if (System.Text.Encoding.UTF8.GetString(data).Contains("\"rejected\"")) Interlocked.Increment(ref rejected);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or ShouldAssertException)
            {
                // aborted at the end
            }
        });
        try
        {
            await Eventually.TrueAsync(() => sink.Count >= 100, "the client got going");
            var entrypoint = server.Entrypoint<Rx.Mediation.Hosting.Entrypoints.WebSockets.WebSocketEntrypoint>();
            entrypoint.Refuse();

            await entrypoint.WhenIdleAsync(CancellationToken.None).WaitAsync(Eventually.DefaultTimeout);
            sending.IsCompleted.ShouldBeFalse("the client was still sending");
            await Eventually.TrueAsync(() => Volatile.Read(ref rejected) > 0, "the client's later messages were refused");
        }
        finally
        {
            stop.Cancel();
            client.Socket.Abort();
            await Task.WhenAll(sending, receiving).WaitAsync(Eventually.DefaultTimeout);
        }
    }

    [Fact]
    public async Task Accepted_events_still_reach_streaming_clients_which_are_then_closed_without_waiting_for_the_host_timeout()
    {
        // A long grace period: if any stream were only cut off by it, the elapsed-time check below would catch it.
        var server = await RunningServer.StartAsync(b => b.Options.ClientCloseTimeout = TimeSpan.FromSeconds(30));
        var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"));
        var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events"));
        await ws.ReceiveJsonAsync();
        var idle = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=nothing-here"));

        var ids = new List<string>();
        for (var i = 0; i < 50; i++) ids.Add(await server.PostAcceptedAsync("events", "e" + i));
        var clock = Stopwatch.StartNew();
        var stopping = server.StopAsync();

        var viaWs = new List<string>();
        while (true)
        {
            var (type, data) = await ws.ReceiveAsync();
            if (type == WebSocketMessageType.Close) break;
            viaWs.Add(System.Text.Encoding.UTF8.GetString(data));
        }
        ws.Socket.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        await ws.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        (await sse.ReadToEndAsync()).Select(m => m.Id).ShouldBe(ids);
        viaWs.ShouldBe(ids.Select((_, i) => "e" + i));
        (await idle.ReadToEndAsync()).ShouldBeEmpty();
        await stopping.WaitAsync(Eventually.DefaultTimeout);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "shutdown waited out the grace period instead of closing the streams");

        await sse.DisposeAsync();
        await idle.DisposeAsync();
        await ws.DisposeAsync();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Events_still_in_a_slow_route_at_stop_reach_sse_clients_before_their_stream_ends()
    {
        // The egress chain takes a few ms per event (a slow transformation), so when the stop begins most accepted
        // events are still inside the routes: streaming clients must only be closed once they are through.
        var slow = new RouteStage("slow", "slow", (events, _) => events.Do(_ => Thread.Sleep(3)));
        var server = await RunningServer.StartAsync(b => b.Routes =
        [
            new RouteDefinition { Name = "ingress", Sources = [new SourceBinding("http")], Targets = ["memory"] },
            new RouteDefinition { Name = "egress", Sources = [new SourceBinding("memory")], Targets = ["sse"], Stages = [slow] },
        ]);
        var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"));
        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => server.PostAcceptedAsync("events", "e" + i)));

        await server.StopAsync();

        (await sse.ReadToEndAsync()).Select(m => m.Id).ShouldBe(ids, ignoreOrder: true);
        await sse.DisposeAsync();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_post_still_sending_its_body_is_answered_503_and_does_not_hold_up_the_stop()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Long drain and close periods: a stop that waited for the body would take minutes, not the seconds allowed below.
        var server = await RunningServer.StartAsync(b =>
        {
            b.Options.DrainTimeout = TimeSpan.FromMinutes(2);
            b.Options.ClientCloseTimeout = TimeSpan.FromMinutes(2);
            b.Web.Services.AddSingleton<IStartupFilter>(new SignalRequests("/events", arrived));
        });
        await using var client = await RawHttpClient.ConnectAsync(server.BaseAddress);
        await client.SendPostHeadAsync("/events?topic=events", contentLength: 500_000);
        await client.SendAsync("the first bytes"u8.ToArray());
        // Read as a browser would, while still sending.
        var answer = client.ReadHeadAsync(Eventually.DefaultTimeout);
        await arrived.Task.WaitAsync(Eventually.DefaultTimeout);
        using var trickling = new CancellationTokenSource();
        // Fast enough for Kestrel's minimum data rate, far too slow to finish during the spec.
        var trickle = client.TrickleAsync(new byte[100], TimeSpan.FromMilliseconds(50), trickling.Token);

        await server.StopAsync().WaitAsync(Eventually.DefaultTimeout);

        var head = await answer;
        trickling.Cancel();
        await trickle;
        head.ShouldStartWith("HTTP/1.1 503");
        head.ShouldContain("Connection: close");
        await server.DisposeAsync();
    }

    /// <summary>Completes <paramref name="arrived"/> when a request for <paramref name="path"/> reaches the app.</summary>
    private sealed class SignalRequests(string path, TaskCompletionSource arrived) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Path == path) arrived.TrySetResult();
                return following(context);
            });
            next(app);
        };
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>
/// On the default configuration (ingress → memory broker → egress, both under backpressure): an event answered 202, or
/// taken from a WebSocket, reaches every connected subscriber whose filter matches, even when every event has a topic
/// of its own and the egress route is slower than the publishing clients; nothing is dropped on the way.
/// </summary>
public sealed class AcceptedMeansDeliveredSpecs
{
    private const string Filter = "wrk/#";
    private const int Connections = 32;
    private const int BurstSize = 10_000;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_event_posted_for_5_s_by_32_connections_each_to_a_new_topic_and_answered_202_reaches_the_sse_client_and_the_poller()
    {
        await using var server = await StartDefaultServerAsync();
        await using var subscribers = await Subscribers.ConnectAsync(server);
        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var refused = 0;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(connection => Task.Run(async () =>
        {
            for (var n = 0; elapsed.Elapsed < LoadDuration; n++)
            {
                var body = $"post-{connection}-{n}";
                using var response = await http.PostAsync($"/events?topic=wrk/{Random.Shared.Next():x8}/{n}", new StringContent(body));
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    using var json = JsonDocument.Parse(text);
                    accepted[json.RootElement.GetProperty("id").GetString()!] = body;
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, text);
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        accepted.Count.ShouldBeGreaterThanOrEqualTo(Connections, "every connection had an event accepted");
        await subscribers.ShouldAllReceiveAsync(accepted, server, $"{accepted.Count} accepted, {refused} refused");
    }

    [Fact]
    public async Task Every_message_of_a_websocket_burst_of_10000_to_new_topics_that_is_not_rejected_reaches_the_sse_client_and_the_poller()
    {
        await using var server = await StartDefaultServerAsync();
        await using var subscribers = await Subscribers.ConnectAsync(server);
        // Subscribed elsewhere, so the burst does not come back to it: it only publishes, each message on its own topic.
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=control&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
        var rejected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var notices = Task.Run(async () =>
        {
            while (true)
            {
                var (type, data) = await ws.ReceiveAsync(CatchUp);
                if (type == WebSocketMessageType.Close) return;
                using var json = JsonDocument.Parse(data);
                json.RootElement.GetProperty("type").GetString().ShouldBe("rejected", "the only notice a publisher gets");
                rejected[json.RootElement.GetProperty("topic").GetString()!] = json.RootElement.GetProperty("reason").GetString()!;
            }
        });

        for (var n = 0; n < BurstSize; n++)
            await ws.SendTextAsync(JsonSerializer.Serialize(new { topic = TopicOf(n), payload = $"ws-{n}" }));
        // The server answers the close once it has handled (and answered) every message before it.
        using (var closing = new CancellationTokenSource(CatchUp)) await ws.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", closing.Token);
        await notices.WaitAsync(CatchUp);

        var taken = Enumerable.Range(0, BurstSize).Where(n => !rejected.ContainsKey(TopicOf(n))).Select(n => $"ws-{n}").ToList();
        taken.ShouldNotBeEmpty();
        await subscribers.ShouldAllReceiveAsync(taken, server, $"{taken.Count} taken, {rejected.Count} rejected: {string.Join("; ", rejected.Values.Distinct())}");

        static string TopicOf(int n) => $"wrk/ws/{n}";
    }

    [Fact]
    public async Task Behind_a_blocked_route_past_the_memory_broker_a_post_waits_then_gets_503_and_a_websocket_message_a_rejected_notice()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        var bridge = new BridgeOptions { Capacity = 4, BackpressureTimeout = TimeSpan.FromMilliseconds(300), RetryAfter = TimeSpan.FromSeconds(2) };
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(blocked);
            b.Routes =
            [
                new RouteDefinition { Name = "ingress", Sources = [new SourceBinding("http"), new SourceBinding("ws")], Targets = ["memory"], Bridge = bridge },
                new RouteDefinition { Name = "egress", Sources = [new SourceBinding("memory")], Targets = ["blocked"], Bridge = bridge },
            ];
        });
        var (ingress, egress) = (server.Engine.FindRoute("ingress")!, server.Engine.FindRoute("egress")!);
        try
        {
            var accepted = new List<string>();
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 50 && refused is null; i++)
            {
                var response = await server.PostAsync("events", $"e{i}");
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    accepted.Add(json.RootElement.GetProperty("id").GetString()!);
                }
                else
                {
                    refused = response;
                }
            }

            refused.ShouldNotBeNull("the blocked route behind the broker never held the posts back");
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter!.Delta.ShouldBe(bridge.RetryAfter);
            egress.Bridge.IsHoldingUpstream.ShouldBeTrue();
            await using (var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events")))
            {
                (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
                await ws.SendTextAsync("from the socket");
                var notice = await ws.ReceiveJsonAsync();
                notice.GetProperty("type").GetString().ShouldBe("rejected");
                notice.GetProperty("status").GetString().ShouldBe("rejected");
                notice.GetProperty("retryAfterMs").GetInt64().ShouldBe((long)bridge.RetryAfter.TotalMilliseconds);
            }
            ingress.Counters.Dropped[DropReason.BackpressureTimeout].ShouldBe(2, "the refused post and message, counted at the first route");
            egress.Counters.Dropped.Total.ShouldBe(0);

            blocked.Release();
            await Eventually.TrueAsync(() => blocked.Count == accepted.Count, $"every accepted post reached the target ({blocked.Count} of {accepted.Count})");
            blocked.Received.Select(e => e.Id).ShouldBe(accepted);
            egress.Counters.Dropped.Total.ShouldBe(0);
        }
        finally
        {
            blocked.Release();
        }
    }

    /// <summary>
    /// The default configuration, but for the SSE client's send queue: it holds a whole burst. The SSE reader shares two
    /// cores with the server and the publishers, and may fall more than the default 1,024 events (or 8 MiB) behind; the slow-client
    /// policy then drops for it by design, counted (SseSpecs cover that). What is under test is the path up to the
    /// client's queue, which must not lose anything however far that reader lags.
    /// </summary>
    private static Task<RunningServer> StartDefaultServerAsync() =>
        RunningServer.StartAsync(b =>
        {
            b.Options.Sse.SendQueueCapacity = 100 * BurstSize;
            b.Options.Sse.SendQueueMaxBytes = 512L * 1024 * 1024;
        });

    /// <summary>Drops counted anywhere: by the routes' bridges, and by the entrypoints' slow-client policies.</summary>
    private static (long Total, string Summary) DropsCounted(RunningServer server)
    {
        var routes = server.Engine.Routes.Select(r => (r.Name, r.Counters.Dropped));
        var entrypoints = server.App.Services.GetRequiredService<IReadOnlyList<WebEntrypoint>>().Select(e => (e.Name, e.Drops));
        var all = routes.Concat(entrypoints).ToList();
        return (all.Sum(d => d.Item2.Total), string.Join("; ", all.Where(d => d.Item2.Total > 0).Select(d => $"{d.Item1}: {string.Join(",", d.Item2.ToDictionary())}")));
    }

    /// <summary>An SSE client and a poller, both on <see cref="Filter"/>, collecting what they are given.</summary>
    private sealed class Subscribers : IAsyncDisposable
    {
        private readonly SseClient _sse;
        private readonly Poller _poller;
        private readonly ConcurrentDictionary<string, string> _viaSse = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;

        private Subscribers(SseClient sse, Poller poller)
        {
            _sse = sse;
            _poller = poller;
            _reading = Task.Run(async () =>
            {
                await foreach (var message in _sse.ReadAllAsync(_stop.Token)) _viaSse[message.Id!] = message.Data;
            });
        }

        public static async Task<Subscribers> ConnectAsync(RunningServer server)
        {
            var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={Uri.EscapeDataString(Filter)}"));
            return new Subscribers(sse, Poller.Start(server.BaseAddress, Filter));
        }

        /// <summary>Accepted events by id (their payloads): each must reach both subscribers, and no drop be counted.</summary>
        public Task ShouldAllReceiveAsync(IReadOnlyDictionary<string, string> accepted, RunningServer server, string load) =>
            ShouldAllReceiveAsync(server, load, () => (accepted.Keys.Count(id => !_viaSse.ContainsKey(id)), accepted.Keys.Count(id => !_poller.Received.ContainsKey(id))));

        /// <summary>Accepted payloads (ids unknown to the sender): each must reach both subscribers, and no drop be counted.</summary>
        public Task ShouldAllReceiveAsync(IReadOnlyCollection<string> payloads, RunningServer server, string load) =>
            ShouldAllReceiveAsync(server, load, () =>
            {
                var viaSse = _viaSse.Values.ToHashSet(StringComparer.Ordinal);
                var viaPoll = _poller.Received.Values.ToHashSet(StringComparer.Ordinal);
                return (payloads.Count(p => !viaSse.Contains(p)), payloads.Count(p => !viaPoll.Contains(p)));
            });

        private async Task ShouldAllReceiveAsync(RunningServer server, string load, Func<(int Sse, int Poll)> missing)
        {
            // Catching up takes a while, a lost event never comes: wait until both have everything, or until they
            // stopped getting anything for a while.
            var last = missing();
            var (progress, overall) = (Stopwatch.StartNew(), Stopwatch.StartNew());
            while (last != (0, 0) && !_poller.Loop.IsCompleted && progress.Elapsed < Stalled && overall.Elapsed < CatchUp)
            {
                await Task.Delay(10);
                var now = missing();
                if (now != last) progress.Restart();
                last = now;
            }
            if (_poller.Loop.IsFaulted) await _poller.Loop;
            var drops = DropsCounted(server);
            (last.Sse + last.Poll).ShouldBe(0, $"after {load}: {last.Sse} never reached the SSE client, {last.Poll} never reached the poller; drops counted: {drops.Summary}");
            drops.Total.ShouldBe(0, drops.Summary);
            _poller.Resets.ShouldBe(0, "the poller's cursor kept working");
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _poller.DisposeAsync();
            await _sse.DisposeAsync();
            try
            {
                await _reading;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}

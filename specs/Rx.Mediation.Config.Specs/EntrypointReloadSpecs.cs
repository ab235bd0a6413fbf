using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// Web entrypoints added, changed and removed by rewriting the file of a running server, seen by clients over real
/// sockets: HTTP POST, WebSocket, SSE and long-poll clients.
/// </summary>
public sealed class EntrypointReloadSpecs(ITestOutputHelper output)
{
    private const string FourEntrypoints = """
          orders: { type: http, path: /orders }
          live: { type: websocket, path: /live }
          feed: { type: sse, path: /feed }
          tail: { type: poll, path: /tail }
        """;

    private static string Config(string entrypoints = "", string routes = "", string endpoints = "") => $$"""
        server:
          reload-debounce: 50ms
        entrypoints:
          webhook: { type: http, path: /events }
        {{entrypoints}}
        endpoints:
          broker: { type: memory }
        {{endpoints}}
        routes:
          - name: ingress
            from: webhook
            to: broker
        {{routes}}
        """;

    /// <summary>orders and live into the broker; the broker out to feed, live and tail, optionally held back by a delay.</summary>
    private static string FourRoutes(string? delay = null) => $$"""
          - name: orders-in
            from: [orders, live]
            to: broker
          - name: out
            from: broker
            {{(delay is null ? "" : $"pipeline: [ delay: {delay} ]")}}
            to: [feed, live, tail]
        """;

    [Fact]
    public async Task Http_websocket_sse_and_poll_entrypoints_added_to_the_file_answer_as_soon_as_it_is_applied()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        (await PostAsync(server, "/orders", "early")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await GetStatusAsync(server, "/feed?topic=events")).ShouldBe(HttpStatusCode.NotFound);
        (await GetStatusAsync(server, "/tail?topic=events&timeout=0")).ShouldBe(HttpStatusCode.NotFound);
        (await WebSocketStatusAsync(server, "/live?topic=events")).ShouldBe(HttpStatusCode.NotFound);
        var ingress = server.Engine.FindRoute("ingress");

        var clock = Stopwatch.StartNew();
        files.Write(Config(FourEntrypoints, FourRoutes()));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the entrypoints were added");
        var applied = clock.Elapsed;

        // No retries from here on: once the version is applied, every new path answers.
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/feed?topic=events"));
        sse.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/live?topic=events"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
        var id = await PostAcceptedAsync(server, "/orders", "hello");
        var answered = clock.Elapsed;

        (await sse.NextAsync()).Id.ShouldBe(id);
        (await ws.ReceiveTextAsync()).ShouldBe("hello");
        using (var poll = JsonDocument.Parse(await server.Http.GetStringAsync("/tail?topic=events&timeout=0")))
        {
            poll.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldBe([id]);
        }
        await ws.SendTextAsync("from the socket");
        (await sse.NextAsync()).Data.ShouldBe("from the socket");

        server.Engine.FindRoute("ingress").ShouldBeSameAs(ingress, "routes of unchanged nodes keep running");
        server.Engine.Find("feed").ShouldBeSameAs(server.Entrypoint<SseEntrypoint>());
        output.WriteLine($"applied {applied.TotalMilliseconds:0} ms after the write; the new POST path answered 202 at {answered.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Removed_entrypoints_close_their_clients_after_their_routes_drained_then_answer_404()
    {
        using var files = new ConfigFiles(Config(FourEntrypoints, FourRoutes(delay: "1s")));
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var tail = server.Entrypoint<PollEntrypoint>();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/feed?topic=events"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/live?topic=events"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
        // A long poll on a topic nothing is sent to: it only answers when the entrypoint goes away.
        var longPoll = server.Http.GetAsync("/tail?topic=quiet&timeout=50");
        await Eventually.TrueAsync(() => tail.Sessions.Count == 1, "the long poll is waiting");

        // Accepted, and held by the route's one-second delay when the file changes: the drain must still deliver them.
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await PostAcceptedAsync(server, "/orders", $"m{i}"));
        files.Write(Config());

        var streamed = await sse.ReadToEndAsync();
        streamed.Select(m => m.Id).ShouldBe(ids, "the SSE client got every accepted event, then its stream ended");
        for (var i = 0; i < ids.Count; i++) (await ws.ReceiveTextAsync()).ShouldBe($"m{i}");
        (await ws.ReceiveAsync()).Type.ShouldBe(WebSocketMessageType.Close);
        ws.Socket.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable, "1001: going away");
        ws.Socket.CloseStatusDescription.ShouldBe("entrypoint removed");
        using (var polled = await longPoll.WaitAsync(Eventually.DefaultTimeout))
        {
            polled.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var json = JsonDocument.Parse(await polled.Content.ReadAsStringAsync());
            json.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0);
        }

        await Eventually.TrueAsync(() => status.Current.Version == 2, "the removal was applied");
        (await PostAsync(server, "/orders", "late")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await GetStatusAsync(server, "/feed?topic=events")).ShouldBe(HttpStatusCode.NotFound);
        (await GetStatusAsync(server, "/tail?topic=events&timeout=0")).ShouldBe(HttpStatusCode.NotFound);
        (await WebSocketStatusAsync(server, "/live?topic=events")).ShouldBe(HttpStatusCode.NotFound);
        foreach (var name in new[] { "orders", "live", "feed", "tail" }) server.Engine.Find(name).ShouldBeNull();
        tail.Health.ShouldBe(Rx.Mediation.Nodes.NodeHealth.Stopped);
        await server.PostAcceptedAsync("events", "the rest still runs");
    }

    [Fact]
    public async Task A_changed_entrypoint_is_swapped_old_clients_closed_new_path_and_options_live()
    {
        using var files = new ConfigFiles(Config(FourEntrypoints, FourRoutes()));
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var oldFeed = server.Engine.Find("feed");
        var webhook = server.Engine.Find("webhook");
        var ingress = server.Engine.FindRoute("ingress");
        await using var oldSse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/feed?topic=events"));
        await using var oldWs = await WebSocketClient.ConnectAsync(server.WebSocketUri("/live?topic=events"));
        (await oldWs.ReceiveJsonAsync()).GetProperty("envelope").GetBoolean().ShouldBeFalse();

        files.Write(Config(
            FourEntrypoints
                .Replace("path: /feed", "path: /feed-v2")
                .Replace("path: /orders", "path: /orders-v2")
                .Replace("path: /live", "path: /live, envelope: true")
                .Replace("path: /tail", "path: /tail, default-topic: news"),
            FourRoutes()));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the changed entrypoints were applied");

        (await oldSse.ReadToEndAsync()).ShouldBeEmpty("the old SSE stream ended");
        (await oldWs.ReceiveAsync()).Type.ShouldBe(WebSocketMessageType.Close);
        oldWs.Socket.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        oldWs.Socket.CloseStatusDescription.ShouldBe("entrypoint changed: reconnect");
        (await GetStatusAsync(server, "/feed?topic=events")).ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(server, "/orders", "old path")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/feed-v2?topic=events"));
        sse.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/live?topic=events"));
        (await ws.ReceiveJsonAsync()).GetProperty("envelope").GetBoolean().ShouldBeTrue();
        var id = await PostAcceptedAsync(server, "/orders-v2", "changed");
        (await sse.NextAsync()).Id.ShouldBe(id);
        (await ws.ReceiveJsonAsync()).GetProperty("id").GetString().ShouldBe(id);
        using (var news = JsonDocument.Parse(await server.Http.GetStringAsync("/tail?timeout=0")))
        {
            news.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0, "the poll's default topic is now 'news'");
        }
        using (var events = JsonDocument.Parse(await server.Http.GetStringAsync("/tail?topic=events&timeout=0")))
        {
            events.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldBe([id]);
        }

        server.Engine.Find("feed").ShouldNotBeSameAs(oldFeed);
        oldFeed!.Health.ShouldBe(Rx.Mediation.Nodes.NodeHealth.Stopped);
        server.Engine.Nodes.Count(n => n.Name == "feed").ShouldBe(1);
        server.Engine.Find("webhook").ShouldBeSameAs(webhook, "an unchanged entrypoint is kept");
        server.Engine.FindRoute("ingress").ShouldBeSameAs(ingress);
    }

    [Fact]
    public async Task Entrypoints_on_a_port_the_server_listens_on_come_and_go_and_a_new_port_is_refused_at_its_line()
    {
        var side = FreePort.Next();
        var side2 = FreePort.Next();
        var sideEntrypoint = $"  side: {{ type: http, path: /side, port: {side} }}";
        var sideRoute = """
              - name: side-in
                from: side
                to: broker
            """;
        using var files = new ConfigFiles(Config(sideEntrypoint, sideRoute));
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        using var sideHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{side}"), Timeout = TimeSpan.FromSeconds(60) };

        files.Write(Config(sideEntrypoint + $"\n  side-feed: {{ type: sse, path: /side-feed, port: {side} }}", sideRoute + """

              - name: side-out
                from: broker
                to: side-feed
            """));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "an SSE entrypoint on the side port was added");
        await using var sse = await SseClient.ConnectAsync(new Uri($"http://127.0.0.1:{side}/side-feed?topic=events"));
        sse.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetStatusAsync(server, "/side-feed?topic=events")).ShouldBe(HttpStatusCode.NotFound, "it answers on its own port only");
        using (var posted = await sideHttp.PostAsync("/side?topic=events", new StringContent("sideways")))
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }
        (await sse.NextAsync()).Data.ShouldBe("sideways");

        var refused = Config(sideEntrypoint + $"\n  other: {{ type: http, path: /other,\n           port: {side2} }}", sideRoute);
        files.Write(refused);
        await Eventually.TrueAsync(() => status.Current.LastError is not null, "the new port was refused");
        var error = status.Current.LastError!.Errors.ShouldHaveSingleItem();
        error.Location.File.ShouldBe(files.Path);
        error.Location.Line.ShouldBe(7, "the error points at the port");
        error.Location.Column.ShouldBe(18);
        error.Message.ShouldContain("entrypoint 'other'");
        error.Message.ShouldContain($"port {side2}");
        error.Message.ShouldContain("restart");
        status.Current.Version.ShouldBe(2);
        (await sse.Response.Content.ReadAsStreamAsync()).CanRead.ShouldBeTrue();
        using (var posted = await sideHttp.PostAsync("/side?topic=events", new StringContent("still here")))
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, "the running version is untouched");
        }
        (await sse.NextAsync()).Data.ShouldBe("still here");
    }

    [Fact]
    public async Task A_path_the_server_answers_itself_is_refused()
    {
        using var files = new ConfigFiles(Config());
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();

        files.Write(Config("  health: { type: http, path: /readyz }"));
        await Eventually.TrueAsync(() => status.Current.LastError is not null, "the reserved path was refused");
        var error = status.Current.LastError!.Errors.ShouldHaveSingleItem();
        error.Location.Line.ShouldBe(5);
        error.Message.ShouldContain("'/readyz' is the server's own");
        (await server.Http.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static async Task<HttpResponseMessage> PostAsync(RunningServer server, string path, string body) =>
        await server.Http.PostAsync($"{path}?topic=events", new StringContent(body));

    internal static async Task<string> PostAcceptedAsync(RunningServer server, string path, string body)
    {
        using var response = await PostAsync(server, path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<HttpStatusCode> GetStatusAsync(RunningServer server, string pathAndQuery)
    {
        using var response = await server.Http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>The HTTP status a WebSocket upgrade request was answered with (101 when it was accepted).</summary>
    private static async Task<HttpStatusCode> WebSocketStatusAsync(RunningServer server, string pathAndQuery)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(server.WebSocketUri(pathAndQuery), timeout.Token);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }
}

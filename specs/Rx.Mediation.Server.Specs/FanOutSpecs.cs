using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>The embedded default: POST → ingress → memory → egress → SSE, WebSocket and polling clients.</summary>
public sealed class FanOutSpecs
{
    [Fact]
    public async Task Posted_events_reach_sse_websocket_and_poll_in_order_with_the_ids_of_the_202_answers()
    {
        await using var server = await RunningServer.StartAsync();
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        var bodies = new[] { "one", "two", "three" };
        var ids = new List<string>();
        foreach (var body in bodies) ids.Add(await server.PostAcceptedAsync("events", body));

        var viaSse = await sse.NextAsync(3);
        viaSse.Select(m => m.Id).ShouldBe(ids);
        viaSse.Select(m => m.Data).ShouldBe(bodies);
        viaSse.ShouldAllBe(m => m.Event == "events");

        var viaWs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (type, data) = await ws.ReceiveAsync();
            type.ShouldBe(WebSocketMessageType.Text);
            viaWs.Add(Encoding.UTF8.GetString(data));
        }
        viaWs.ShouldBe(bodies);

        var polled = new List<JsonElement>();
        var cursor = "";
        while (polled.Count < 3)
        {
            using var response = await server.Http.GetAsync($"/poll?topic=events&timeout=10{cursor}");
            ((int)response.StatusCode).ShouldBe(200);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var items = json.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            items.ShouldNotBeEmpty("a 10 s long poll timed out with events posted");
            polled.AddRange(items);
            cursor = "&cursor=" + json.RootElement.GetProperty("nextCursor").GetString();
        }
        polled.Select(i => i.GetProperty("id").GetString()).ShouldBe(ids);
        polled.Select(i => i.GetProperty("payload").GetString()).ShouldBe(bodies);
        polled.ShouldAllBe(i => i.GetProperty("encoding").GetString() == "text");
    }
}

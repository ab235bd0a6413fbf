using System.Net.WebSockets;
using System.Text;
using Rx.Mediation.Events;
using Rx.Mediation.Routing;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs;

public sealed class WebSocketSpecs
{
    [Fact]
    public async Task The_first_message_welcomes_the_client_with_its_id_and_topics()
    {
        await using var server = await RunningServer.StartAsync();
        await using var named = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=a&topic=b/%2B"), clientId: "alice");
        var welcome = await named.ReceiveJsonAsync();
        welcome.GetProperty("type").GetString().ShouldBe("welcome");
        welcome.GetProperty("clientId").GetString().ShouldBe("alice");
        welcome.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe(["a", "b/+"]);
        welcome.GetProperty("publishTopic").GetString().ShouldBe("a");

        await using var anonymous = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?clientId=bob"));
        var second = await anonymous.ReceiveJsonAsync();
        second.GetProperty("clientId").GetString().ShouldBe("bob");
        second.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ShouldBe(["events"]);
    }

    [Fact]
    public async Task Text_and_binary_frames_travel_both_ways_as_bare_payloads()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events"));
        await ws.ReceiveJsonAsync(); // welcome

        var bytes = new byte[] { 0xff, 0x00, 0xfe, 0x01 };
        await ws.SendBinaryAsync(bytes);
        var (type, data) = await ws.ReceiveAsync();
        type.ShouldBe(WebSocketMessageType.Binary);
        data.ShouldBe(bytes);

        await ws.SendTextAsync("héllo");
        (await ws.ReceiveTextAsync()).ShouldBe("héllo");
    }

    [Fact]
    public async Task Envelope_mode_sends_and_takes_json_envelopes_with_the_payload_encoded_by_kind()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events&topic=other&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("envelope").GetBoolean().ShouldBeTrue();

        await ws.SendTextAsync("""{"topic":"other","payload":{"n":1},"headers":{"k":"v"}}""");
        var json = await ws.ReceiveJsonAsync();
        json.GetProperty("type").GetString().ShouldBe("event");
        json.GetProperty("topic").GetString().ShouldBe("other");
        json.GetProperty("encoding").GetString().ShouldBe("json");
        json.GetProperty("payload").GetProperty("n").GetInt32().ShouldBe(1);
        json.GetProperty("headers").GetProperty("k").GetString().ShouldBe("v");
        json.GetProperty("id").GetString().ShouldNotBeNullOrEmpty();

        var id = await server.PostAcceptedAsync("events", "plain text");
        var text = await ws.ReceiveJsonAsync();
        text.GetProperty("id").GetString().ShouldBe(id);
        text.GetProperty("encoding").GetString().ShouldBe("text");
        text.GetProperty("payload").GetString().ShouldBe("plain text");

        (await server.Http.PostAsync("/events", new ByteArrayContent([0xff, 0xfe]))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var binary = await ws.ReceiveJsonAsync();
        binary.GetProperty("encoding").GetString().ShouldBe("base64");
        binary.GetProperty("payload").GetBytesFromBase64().ShouldBe(new byte[] { 0xff, 0xfe });

        await ws.SendTextAsync("not json");
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("error");
    }

    [Fact]
    public async Task A_message_over_the_limit_closes_the_connection_with_1009()
    {
        await using var server = await RunningServer.StartAsync(b => b.Options.WebSocket.MaxMessageBytes = 1024);
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws"));
        await ws.ReceiveJsonAsync();

        await ws.SendTextAsync(new string('a', 1024));
        (await ws.ReceiveTextAsync()).Length.ShouldBe(1024); // at the limit: fine, and broadcast back

        await ws.SendBinaryAsync(new byte[2048]);
        var (type, _) = await ws.ReceiveAsync();
        type.ShouldBe(WebSocketMessageType.Close);
        ws.Socket.CloseStatus.ShouldBe(WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task Connect_and_disconnect_reach_a_route_that_asked_for_lifecycle_events()
    {
        var presence = new RecordingNode("presence");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(presence);
            b.Routes = [new RouteDefinition { Name = "presence", Sources = [new SourceBinding("ws")], Targets = ["presence"], IncludeLifecycle = true }];
        });
        var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=room/1"), clientId: "carol");
        await ws.ReceiveJsonAsync();
        await Eventually.TrueAsync(() => presence.Received.Any(e => e.Kind == EventKind.Connect), "the connect event arrived");

        await ws.CloseAsync();
        await ws.DisposeAsync();

        await Eventually.TrueAsync(() => presence.Received.Any(e => e.Kind == EventKind.Disconnect), "the disconnect event arrived");
        var connect = presence.Received.Single(e => e.Kind == EventKind.Connect);
        var disconnect = presence.Received.Single(e => e.Kind == EventKind.Disconnect);
        connect.ClientId.ShouldBe("carol");
        connect.Source.ShouldBe("ws");
        disconnect.ClientId.ShouldBe("carol");
        disconnect.Header("reason")!.ShouldContain("client closed");
    }

    [Fact]
    public async Task An_inbound_message_no_route_takes_is_answered_with_a_rejected_message()
    {
        var orders = new RecordingNode("orders");
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Nodes.Add(orders);
            b.Routes = [new RouteDefinition { Name = "orders", Sources = [new SourceBinding("ws", TopicPattern.Parse("orders/#"))], Targets = ["orders"] }];
        });
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=chat"));
        await ws.ReceiveJsonAsync();

        await ws.SendTextAsync("hello?");
        var rejected = await ws.ReceiveJsonAsync();
        rejected.GetProperty("type").GetString().ShouldBe("rejected");
        rejected.GetProperty("status").GetString().ShouldBe("no-route");
        rejected.GetProperty("topic").GetString().ShouldBe("chat");
        rejected.GetProperty("reason").GetString()!.ShouldContain("'chat'");
        orders.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_second_connection_with_the_same_client_id_is_refused()
    {
        await using var server = await RunningServer.StartAsync();
        await using var first = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws"), clientId: "dup");
        await first.ReceiveJsonAsync();
        var refused = await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri("/ws"), clientId: "dup"));
        refused.Message.ShouldContain("409");
    }
}

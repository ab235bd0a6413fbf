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

    [Fact]
    public async Task An_envelope_client_stays_connected_when_a_json_looking_payload_holds_invalid_utf8()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome

        // Not declared JSON, so it is taken; it must not reach the client as raw JSON with invalid UTF-8 in a text frame.
        byte[] hostile = [.. "{\"s\":\""u8, 0xFF, .. "\"}"u8];
        (await server.Http.PostAsync("/events", new ByteArrayContent(hostile))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var next = await server.PostAcceptedAsync("events", "still here");

        var (type, data) = await ws.ReceiveAsync();
        type.ShouldBe(WebSocketMessageType.Text);
        using (var first = StrictJson.Parse(data))
        {
            first.RootElement.GetProperty("encoding").GetString().ShouldBe("base64");
            first.RootElement.GetProperty("payload").GetBytesFromBase64().ShouldBe(hostile);
        }
        (await ws.ReceiveJsonAsync()).GetProperty("id").GetString().ShouldBe(next);
    }

    [Fact]
    public async Task Envelopes_with_a_refused_topic_a_reserved_header_or_invalid_unicode_get_an_error_notice_and_the_session_goes_on()
    {
        await using var server = await RunningServer.StartAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=events&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome

        await ws.SendTextAsync("""{"topic":"$SYS/x","payload":"a"}""");
        var reserved = await ws.ReceiveJsonAsync();
        reserved.GetProperty("type").GetString().ShouldBe("error");
        reserved.GetProperty("rule").GetString().ShouldBe("reserved");

        await ws.SendTextAsync("""{"topic":"a\r\nb","payload":"a"}""");
        (await ws.ReceiveJsonAsync()).GetProperty("rule").GetString().ShouldBe("control-character");

        await ws.SendTextAsync("""{"payload":"a","headers":{"sender-client-id":"someone-else"}}""");
        (await ws.ReceiveJsonAsync()).GetProperty("reason").GetString()!.ShouldContain("'sender-client-id' is reserved");

        await ws.SendTextAsync("""{"payload":"\ud800"}""");
        (await ws.ReceiveJsonAsync()).GetProperty("reason").GetString()!.ShouldContain("not valid Unicode");

        await ws.SendTextAsync("""{"payload":{"n":2}}""");
        var echoed = await ws.ReceiveJsonAsync();
        echoed.GetProperty("type").GetString().ShouldBe("event");
        echoed.GetProperty("headers").GetProperty("content-type").GetString().ShouldBe("application/json");
    }

    [Theory]
    [InlineData("topic=a%0Db", "control-character")]
    [InlineData("topic=%24SYS/%23", "reserved")]
    [InlineData("topic=events&publishTopic=a/%2B", "wildcard")]
    public async Task A_refused_topic_at_connect_is_answered_400_before_the_upgrade(string query, string rule)
    {
        await using var server = await RunningServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/ws?{query}");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        using var response = await server.Http.SendAsync(request);

        await response.ShouldRefuseTopicAsync(rule);
    }
}

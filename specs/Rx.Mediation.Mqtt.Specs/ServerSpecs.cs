using System.Net;
using System.Text.Json;
using Rx.Mediation.Mqtt;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>Through the running server, against a real Mosquitto, cross-checked with mosquitto_pub/mosquitto_sub.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class ServerSpecs(MosquittoFixture fixture)
{
    private MosquittoBroker Broker => fixture.Broker;

    private string[] Endpoint(string name, params string[] extra) =>
        [$"--Mediation:Endpoints:{name}:Type=mqtt5", $"--Mediation:Endpoints:{name}:Host={Broker.Host}", $"--Mediation:Endpoints:{name}:Port={Broker.Port}", .. extra];

    internal static MqttEndpoint Find(RunningServer server, string name) => server.Engine.Nodes.OfType<MqttEndpoint>().Single(n => n.Name == name);

    [Fact]
    public async Task A_posted_event_reaches_mosquitto_sub_with_its_headers_as_properties()
    {
        await using var sub = Broker.Subscribe("-i", "check-post", "-q", "1", "-t", "posted/#");
        await Broker.WaitUntilSubscribedAsync(sub, "posted/probe");
        await using var server = await RunningServer.StartAsync([.. Endpoint("broker"), "--Mediation:Routes:out:Sources=http[posted/#]", "--Mediation:Routes:out:Targets=broker"]);
        await Eventually.TrueAsync(() => Find(server, "broker").Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint is connected");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/events?topic=posted/orders") { Content = new StringContent("hello mqtt", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Header-Tenant", "acme");
        request.Headers.Add("X-Header-Correlation-Id", "c-7");
        (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await sub.WaitForOutputAsync(l => l.StartsWith("posted/orders|", StringComparison.Ordinal), TimeSpan.FromSeconds(20))).ShouldBeTrue(sub.Output);
        var fields = sub.Lines.First(l => l.StartsWith("posted/orders|", StringComparison.Ordinal)).Split('|');
        fields[1].ShouldBe("hello mqtt");
        fields[2].ShouldContain("tenant:acme");
        fields[3].ShouldStartWith("text/plain");
        fields[5].ShouldBe("c-7");
        await Eventually.TrueAsync(() => Find(server, "broker").Counters.Acknowledged == 1, "the broker acknowledged the publish");
    }

    [Fact]
    public async Task A_message_from_mosquitto_pub_reaches_sse_and_websocket_clients_with_its_properties()
    {
        await using var server = await RunningServer.StartAsync([.. Endpoint("broker", "--Mediation:Endpoints:broker:Subscriptions=inbound/+/data"),
            "--Mediation:Routes:in:Sources=broker", "--Mediation:Routes:in:Targets=sse, ws"]);
        var endpoint = Find(server, "broker");
        await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint is connected");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=inbound/%23"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=inbound/%23&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome

        // The subscription is made on connect; publish until it is in place, then check the first that arrived.
        await Eventually.TrueAsync(() => endpoint.Counters.Received > 0 || Probe(), "the subscription is in place");
        bool Probe()
        {
            Broker.PublishAsync("-t", "inbound/s1/data", "-q", "1", "-m", "{\"t\":21}", "-D", "publish", "user-property", "site", "north",
                "-D", "publish", "content-type", "application/json", "-D", "publish", "correlation-data", "corr-1").GetAwaiter().GetResult();
            return endpoint.Counters.Received > 0;
        }

        var message = await sse.NextAsync(TimeSpan.FromSeconds(20));
        message.Event.ShouldBe("inbound/s1/data");
        message.Data.ShouldBe("{\"t\":21}");

        var json = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(20));
        json.GetProperty("topic").GetString().ShouldBe("inbound/s1/data");
        var headers = json.GetProperty("headers");
        headers.GetProperty("site").GetString().ShouldBe("north");
        headers.GetProperty("content-type").GetString().ShouldBe("application/json");
        headers.GetProperty("correlation-id").GetString().ShouldBe("corr-1");
        headers.GetProperty("mqtt-qos").GetString().ShouldBe("1");
        endpoint.Counters.Accepted.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_broker_that_is_not_there_makes_readyz_name_the_endpoint_and_the_server_stays_up()
    {
        var port = FreePort.Next();
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:gone:Type=mqtt", "--Mediation:Endpoints:gone:Host=127.0.0.1", $"--Mediation:Endpoints:gone:Port={port}"]);
        await Eventually.TrueAsync(() => Find(server, "gone").Health == Rx.Mediation.Nodes.NodeHealth.Unhealthy, "the endpoint reports the failure");

        using var ready = await server.Http.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var node = await NodeAsync(ready, "gone");
        node.GetProperty("health").GetString().ShouldBe("Unhealthy");
        node.GetProperty("detail").GetString()!.ShouldContain($"cannot connect to MQTT broker 127.0.0.1:{port}: connection refused");
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostAsync("events", "still up")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_not_authorized()
    {
        await using var secured = await MosquittoBroker.StartAsync(user: "app", password: "right");
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:locked:Type=mqtt5", $"--Mediation:Endpoints:locked:Host={secured.Host}",
            $"--Mediation:Endpoints:locked:Port={secured.Port}", "--Mediation:Endpoints:locked:Username=app", "--Mediation:Endpoints:locked:Password=wrong"]);
        var endpoint = Find(server, "locked");
        await Eventually.TrueAsync(() => endpoint.Health == Rx.Mediation.Nodes.NodeHealth.Unhealthy && endpoint.HealthDetail?.Contains("refused") == true, $"the broker refused the credentials ({endpoint.Health}: {endpoint.HealthDetail})");

        using var ready = await server.Http.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var detail = (await NodeAsync(ready, "locked")).GetProperty("detail").GetString()!;
        detail.ShouldContain($"cannot connect to MQTT broker {secured.Host}:{secured.Port}: the broker refused the connection");
        detail.ShouldMatch("(?i)not authori[sz]ed|bad user name or password");
        detail.ShouldNotContain("wrong");
    }

    private static async Task<JsonElement> NodeAsync(HttpResponseMessage ready, string name)
    {
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).Clone();
    }
}

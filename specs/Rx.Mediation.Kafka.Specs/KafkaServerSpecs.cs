using System.Net;
using System.Text.Json;
using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;
using static Rx.Mediation.Kafka.Specs.KafkaEndpointSupport;

namespace Rx.Mediation.Kafka.Specs;

/// <summary>The running server against a Kafka-protocol cluster over TCP, cross-checked with kcat.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaServerSpecs(KafkaCluster cluster)
{
    [Fact]
    public async Task A_posted_event_reaches_kafka_with_its_key_and_headers_as_kcat_reads_it()
    {
        var topic = Unique("out");
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint("k", cluster.BootstrapServers),
            .. Route("toKafka", $"http[{topic}/#]", "k"),
        ]);
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Health == NodeHealth.Healthy, "the endpoint connected");

        var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={topic}/eu") { Content = new StringContent("{\"order\":7}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Header-Trace", "t-1");
        request.Headers.Add("X-Header-Kafka-Key", "order-7");
        (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == 1, "Kafka acknowledged the event");

        var message = (await KafkaCat.ReadAllAsync(cluster.BootstrapServers, $"{topic}.eu")).ShouldHaveSingleItem();
        message.Payload.ShouldBe("{\"order\":7}");
        message.Key.ShouldBe("order-7");
        message.Headers["trace"].ShouldBe("t-1");
        message.Headers["content-type"].ShouldBe("application/json; charset=utf-8");
        message.Headers.ContainsKey("kafka-key").ShouldBeFalse();
        kafka.Counters.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task A_websocket_message_reaches_kafka_as_kcat_reads_it()
    {
        var topic = Unique("wsout");
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint("k", cluster.BootstrapServers, $"Topic={topic}"),
            .. Route("toKafka", $"ws[{topic}]", "k"),
        ]);
        var kafka = server.Kafka("k");
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?publishTopic={topic}"), clientId: "alice");
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await ws.SendTextAsync("from-ws");
        await Eventually.TrueAsync(() => kafka.Counters.Acknowledged == 1, $"Kafka acknowledged the event ({kafka.Counters})", TimeSpan.FromSeconds(60));

        var message = (await KafkaCat.ReadAllAsync(cluster.BootstrapServers, topic)).ShouldHaveSingleItem();
        message.Payload.ShouldBe("from-ws");
        message.Headers["content-type"].ShouldBe("text/plain; charset=utf-8");
        message.Key.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_message_kcat_produces_reaches_an_sse_and_a_websocket_client_with_its_headers_and_position()
    {
        var topic = Unique("news");
        cluster.Mock.CreateTopic(topic, partitions: 1);
        await using var server = await RunningServer.StartAsync(
        [
            .. Endpoint("k", cluster.BootstrapServers, $"Topics={topic}"),
            .. Route("fromKafka", "k", "sse, ws"),
        ]);
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={topic}"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic={topic}&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await KafkaCat.ProduceAsync(cluster.BootstrapServers, topic, ["hello"], key: "k1", headers: [("trace", "t-2")]);

        var viaSse = await sse.NextAsync(TimeSpan.FromSeconds(60));
        viaSse.Data.ShouldBe("hello");
        viaSse.Id.ShouldBe($"{topic}@0#0");
        viaSse.Event.ShouldBe(topic);

        var envelope = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(60));
        envelope.GetProperty("type").GetString().ShouldBe("event");
        envelope.GetProperty("id").GetString().ShouldBe($"{topic}@0#0");
        envelope.GetProperty("payload").GetString().ShouldBe("hello");
        var headers = envelope.GetProperty("headers");
        headers.GetProperty("trace").GetString().ShouldBe("t-2");
        headers.GetProperty("kafka-key").GetString().ShouldBe("k1");
        headers.GetProperty("kafka-topic").GetString().ShouldBe(topic);
        headers.GetProperty("kafka-partition").GetString().ShouldBe("0");
        headers.GetProperty("kafka-offset").GetString().ShouldBe("0");
        headers.TryGetProperty("kafka-timestamp", out _).ShouldBeTrue();
        var kafka = server.Kafka("k");
        await Eventually.TrueAsync(() => kafka.Counters.Accepted == 1, "the endpoint counted the accepted message");
    }

    [Fact]
    public async Task A_closed_port_makes_the_endpoint_unhealthy_with_the_reason_and_readyz_names_it_while_the_server_stays_up()
    {
        var port = FreePort.Next();
        await using var server = await RunningServer.StartAsync(Endpoint("k", $"127.0.0.1:{port}", "Topics=t"));

        JsonElement node = default;
        await Eventually.TrueAsync(() =>
        {
            node = server.ReadyNodeAsync("k").GetAwaiter().GetResult();
            return node.GetProperty("health").GetString() == "Unhealthy" && node.GetProperty("detail").GetString()!.Contains("refused");
        }, "readyz reported the endpoint unhealthy with the refused connection", TimeSpan.FromSeconds(60));

        var detail = node.GetProperty("detail").GetString()!;
        detail.ShouldContain($"127.0.0.1:{port}");
        (await server.Http.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostAcceptedAsync("events", "still working")).ShouldNotBeNullOrEmpty();
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>
/// Through the running server and a real RabbitMQ (AMQP 1.0 plugin), cross-checked with a client outside the server
/// (<see cref="Amqp10Client"/>): web clients → broker, and broker → web clients, headers included.
/// </summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class RoundTripSpecs(AmqpBrokerFixture broker)
{
    [Fact]
    public async Task A_posted_event_reaches_an_outside_client_with_its_headers_as_jms_fields_and_properties()
    {
        await broker.DeclareQueueAsync("rx-post");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsout", "Address=/amq/queue/{topic}"),
            "--Mediation:Routes:toJms:Sources=http[rx-post]", "--Mediation:Routes:toJms:Targets=jmsout"]);
        await server.HealthyAsync("jmsout");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/events?topic=rx-post")
        {
            Content = new StringContent("{\"order\":42}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Header-correlation-id", "corr-7");
        request.Headers.Add("X-Header-jms-type", "order.created");
        request.Headers.Add("X-Header-jms-priority", "7");
        request.Headers.Add("X-Header-tenant", "acme");
        using var response = await server.Http.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, answer);
        var id = JsonDocument.Parse(answer).RootElement.GetProperty("id").GetString();

        var received = await broker.ReceiveAsync("/amq/queue/rx-post", 1, TimeSpan.FromSeconds(20));
        received.Count.ShouldBe(1);
        var message = received[0];
        message.Id.ShouldBe(id);
        message.CorrelationId.ShouldBe("corr-7");
        message.Subject.ShouldBe("order.created");
        message.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        message.Priority.ShouldBe((byte)7);
        message.Durable.ShouldBeTrue();
        message.Properties["tenant"].ShouldBe("acme");
        message.Body.ShouldBe("{\"order\":42}");
        await Eventually.TrueAsync(() => server.Amqp("jmsout").Counters.Acknowledged == 1, "the broker accepted the message");
    }

    [Fact]
    public async Task An_event_sent_over_a_websocket_reaches_an_outside_client()
    {
        await broker.DeclareQueueAsync("rx-ws-out");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsws", "Address=/amq/queue/rx-ws-out", "Durable=false"),
            "--Mediation:Routes:wsToJms:Sources=ws[chat/#]", "--Mediation:Routes:wsToJms:Targets=jmsws"]);
        await server.HealthyAsync("jmsws");
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=nothing&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await ws.SendTextAsync("{\"topic\":\"chat/room1\",\"payload\":\"hi there\",\"headers\":{\"reply-to\":\"/queue/answers\",\"lang\":\"en\"}}");

        var received = await broker.ReceiveAsync("/amq/queue/rx-ws-out", 1, TimeSpan.FromSeconds(20));
        received.Count.ShouldBe(1);
        received[0].Body.ShouldBe("hi there");
        received[0].ReplyTo.ShouldBe("/queue/answers");
        received[0].Properties["lang"].ShouldBe("en");
        received[0].Durable.ShouldBeFalse();
    }

    [Fact]
    public async Task A_message_from_an_outside_client_reaches_sse_and_websocket_clients_with_its_headers()
    {
        await broker.DeclareQueueAsync("rx-in");
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmsin", "Receive=/amq/queue/rx-in"),
            "--Mediation:Routes:fromJms:Sources=jmsin", "--Mediation:Routes:fromJms:Targets=sse,ws"]);
        await server.HealthyAsync("jmsin");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=amq/queue/rx-in"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=amq/queue/rx-in&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await broker.SendAsync("/amq/queue/rx-in", 2, "hello-", new Amqp10Fields
        {
            Id = "msg",
            CorrelationId = "corr-1",
            Subject = "greeting",
            ContentType = "text/plain",
            Priority = 6,
            Properties = new Dictionary<string, string> { ["tenant"] = "acme", ["region"] = "eu" },
        });

        var endpoint = server.Amqp("jmsin");
        await Eventually.TrueAsync(() => endpoint.Counters.Accepted == 2, $"both messages were accepted ({endpoint.Counters}, {endpoint.Health} {endpoint.HealthDetail})", TimeSpan.FromSeconds(30));
        var viaSse = await sse.NextAsync(2, TimeSpan.FromSeconds(30));
        viaSse.Select(m => m.Id).ShouldBe(["msg-0", "msg-1"]);
        viaSse.Select(m => m.Data).ShouldBe(["hello-0", "hello-1"]);
        viaSse.ShouldAllBe(m => m.Event == "amq/queue/rx-in");

        for (var n = 0; n < 2; n++)
        {
            var envelope = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(30));
            envelope.GetProperty("id").GetString().ShouldBe($"msg-{n}");
            envelope.GetProperty("payload").GetString().ShouldBe($"hello-{n}");
            var headers = envelope.GetProperty("headers");
            headers.GetProperty("correlation-id").GetString().ShouldBe("corr-1");
            headers.GetProperty("subject").GetString().ShouldBe("greeting");
            headers.GetProperty("content-type").GetString().ShouldBe("text/plain");
            headers.GetProperty("jms-priority").GetString().ShouldBe("6");
            headers.GetProperty("jms-delivery-mode").GetString().ShouldBe("PERSISTENT");
            headers.GetProperty("tenant").GetString().ShouldBe("acme");
            headers.GetProperty("region").GetString().ShouldBe("eu");
            headers.GetProperty("amqp-address").GetString().ShouldBe("/amq/queue/rx-in");
        }
        await Eventually.TrueAsync(() => broker.QueueDepthAsync("rx-in").Result == (0, 0), "the queue is empty: both were acknowledged");
    }

    [Fact]
    public async Task Topic_addresses_fan_out_to_every_subscriber()
    {
        await using var server = await RunningServer.StartAsync([
            .. broker.Endpoint("jmstopic", "Address=/topic/{topic}", "Durable=false"),
            .. broker.Endpoint("jmssub", "Receive=/topic/news.sport", "Durable=false"),
            "--Mediation:Routes:pub:Sources=http[news.sport]", "--Mediation:Routes:pub:Targets=jmstopic",
            "--Mediation:Routes:sub:Sources=jmssub", "--Mediation:Routes:sub:Targets=sse"]);
        await server.HealthyAsync("jmstopic");
        await server.HealthyAsync("jmssub");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=topic/news.sport"));
        // A topic subscription exists only once the receiver link is attached; the first publish may precede it.
        var delivered = false;
        for (var attempt = 0; attempt < 20 && !delivered; attempt++)
        {
            var id = await server.PostAcceptedAsync("news.sport", "goal");
            try
            {
                var message = await sse.NextAsync(TimeSpan.FromSeconds(1));
                message.Data.ShouldBe("goal");
                delivered = true;
            }
            catch (ShouldAssertException)
            {
            }
        }
        delivered.ShouldBeTrue("a message published to /topic/news.sport reached the subscriber of /topic/news.sport");
    }
}

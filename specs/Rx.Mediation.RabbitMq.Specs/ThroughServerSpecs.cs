using System.Net;
using System.Text;
using System.Text.Json;
using Rx.Mediation.RabbitMq.Specs.Support;
using Rx.Mediation.RabbitMq;
using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs;

/// <summary>The running server against a private RabbitMQ node, checked with clients that share no code with it.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ThroughServerSpecs(RabbitMqFixture rabbit)
{
    private static string[] Route(string name, string sources, string targets) =>
        [$"--Mediation:Routes:{name}:Sources={sources}", $"--Mediation:Routes:{name}:Targets={targets}"];

    [Fact]
    public async Task A_posted_event_reaches_the_queue_with_its_headers_as_amqp_properties()
    {
        var queue = RabbitMqFixture.UniqueName("orders");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await using var server = await RunningServer.StartAsync([.. rabbit.Endpoint("rabbit"), .. Route("toRabbit", $"http[{queue}]", "rabbit")]);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={queue}")
        {
            Content = new StringContent("""{"order":1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Header-Correlation-Id", "corr-1");
        request.Headers.Add("X-Header-Tenant", "acme");
        request.Headers.Add("X-Header-Reply-To", "answers");
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString();

        // Over AMQP 1.0: RabbitMQ maps the 0-9-1 properties and headers to their 1.0 equivalents.
        var received = (await Rabbit.ReceiveAmqp10Async(rabbit.Broker, queue, 1)).ShouldHaveSingleItem();
        received.Body.ShouldBe("""{"order":1}""");
        received.Id.ShouldBe(id);
        received.CorrelationId.ShouldBe("corr-1");
        received.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        received.ReplyTo.ShouldNotBeNull().ShouldEndWith("answers");
        received.Durable.ShouldBeTrue();

        // amqp-get (librabbitmq, AMQP 0-9-1) reads the next one.
        await server.PostAcceptedAsync(queue, "second");
        await Eventually.TrueAsync(() => ((RabbitMqEndpoint)server.Engine.Find("rabbit")!).Counters.Acknowledged == 2, "both are confirmed");
        (await Rabbit.GetAsync(rabbit.Broker, queue)).ShouldBe("second");

        // Application headers: RabbitMQ 3.10 does not hand 0-9-1 headers to AMQP 1.0 clients, so a raw 0-9-1 read checks them.
        using var third = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={queue}") { Content = new StringContent("third") };
        third.Headers.Add("X-Header-Tenant", "acme");
        (await server.Http.SendAsync(third)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var raw = await EventuallyGetAsync(queue);
        Rabbit.Text(raw.Body).ShouldBe("third");
        RabbitMqMapping.ToText(raw.BasicProperties.Headers!["tenant"]).ShouldBe("acme");
    }

    [Fact]
    public async Task An_event_sent_over_a_websocket_reaches_the_queue()
    {
        var queue = RabbitMqFixture.UniqueName("ws-in");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await using var server = await RunningServer.StartAsync([.. rabbit.Endpoint("rabbit"), .. Route("toRabbit", $"ws[{queue}]", "rabbit")]);
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic={queue}&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome

        await ws.SendTextAsync(JsonSerializer.Serialize(new { topic = queue, payload = "from a socket", headers = new Dictionary<string, string> { ["type"] = "greeting" } }));

        var message = await EventuallyGetAsync(queue);
        Rabbit.Text(message.Body).ShouldBe("from a socket");
        message.BasicProperties.Type.ShouldBe("greeting");
        message.BasicProperties.Persistent.ShouldBeTrue();
    }

    [Fact]
    public async Task A_message_from_amqp_publish_reaches_sse_and_websocket_clients_with_its_properties()
    {
        var queue = RabbitMqFixture.UniqueName("news");
        await Rabbit.DeclareQueueAsync(rabbit.Broker, queue);
        await using var server = await RunningServer.StartAsync([.. rabbit.Endpoint("rabbit", $"Queues={queue}"), .. Route("fromRabbit", "rabbit", "sse,ws")]);
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic={queue}"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic={queue}&envelope=true"));
        await ws.ReceiveJsonAsync(); // welcome
        await Eventually.TrueAsync(() => server.Engine.Find("rabbit")!.Health == Rx.Mediation.Nodes.NodeHealth.Healthy, "the endpoint is connected");

        await Rabbit.PublishAsync(rabbit.Broker, queue, "breaking", contentType: "text/plain", replyTo: "desk", headers: [("tenant", "acme"), ("edition", "7")]);

        var message = await sse.NextAsync();
        message.Event.ShouldBe(queue);
        message.Data.ShouldBe("breaking");
        var envelope = await ws.ReceiveJsonAsync();
        envelope.GetProperty("id").GetString().ShouldBe(message.Id);
        AssertEvent(envelope);

        void AssertEvent(JsonElement e)
        {
            e.GetProperty("topic").GetString().ShouldBe(queue);
            e.GetProperty("payload").GetString().ShouldBe("breaking");
            var headers = e.GetProperty("headers");
            headers.GetProperty("content-type").GetString().ShouldBe("text/plain");
            headers.GetProperty("reply-to").GetString().ShouldBe("desk");
            headers.GetProperty("tenant").GetString().ShouldBe("acme");
            headers.GetProperty("edition").GetString().ShouldBe("7");
            headers.GetProperty("amqp-routing-key").GetString().ShouldBe(queue);
        }
        await Eventually.TrueAsync(() => ((RabbitMqEndpoint)server.Engine.Find("rabbit")!).Counters.Accepted == 1, "the message is accepted");
        await Eventually.TrueAsync(() => Rabbit.CountAsync(rabbit.Broker, queue).Result == 0, "the message is acknowledged");
    }

    private async Task<RabbitMQ.Client.BasicGetResult> EventuallyGetAsync(string queue)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var messages = await Rabbit.DrainAsync(rabbit.Broker, queue);
            if (messages.Count > 0) return messages.ShouldHaveSingleItem();
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"nothing arrived in queue {queue}");
            await Task.Delay(100);
        }
    }
}

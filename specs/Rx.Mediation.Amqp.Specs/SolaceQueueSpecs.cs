using Rx.Mediation.Amqp.Specs.Support;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;
using Rx.Mediation.Testing.Brokers;

namespace Rx.Mediation.Amqp.Specs;

/// <summary>
/// The <c>solace</c> endpoint on its AMQP 1.0 transport, through the running server, against RabbitMQ 3.10's AMQP 1.0
/// plugin (no PubSub+ broker is available here), so with <c>AddressStyle=rabbitmq</c>: queue <c>q</c> is
/// <c>/amq/queue/q</c>, topic <c>a/b</c> is <c>/topic/a.b</c>, message VPN <c>/</c> is the open hostname <c>vhost:/</c>.
/// Cross-checked with a client outside the server (<see cref="Amqp10Client"/>).
/// </summary>
[Collection(AmqpBrokerCollection.Name)]
public sealed class SolaceQueueSpecs(AmqpBrokerFixture broker)
{
    private string[] Solace(string name, params string[] settings) =>
    [
        $"--Mediation:Endpoints:{name}:Type=solace",
        $"--Mediation:Endpoints:{name}:MessageVpn=/",
        $"--Mediation:Endpoints:{name}:AddressStyle=rabbitmq",
        $"--Mediation:Endpoints:{name}:Host=127.0.0.1",
        $"--Mediation:Endpoints:{name}:Port={broker.Broker.AmqpPort}",
        $"--Mediation:Endpoints:{name}:ReconnectDelay=00:00:00.200",
        $"--Mediation:Endpoints:{name}:MaxReconnectDelay=00:00:01",
        .. settings.Select(s => $"--Mediation:Endpoints:{name}:{s}"),
    ];

    [Fact]
    public async Task A_message_on_the_bound_queue_reaches_sse_and_websocket_clients_and_is_settled()
    {
        await broker.DeclareQueueAsync("sol-in");
        await using var server = await RunningServer.StartAsync([
            .. Solace("vpnin", "Queue=sol-in"),
            "--Mediation:Routes:fromSolace:Sources=vpnin", "--Mediation:Routes:fromSolace:Targets=sse,ws"]);
        await server.HealthyAsync("vpnin");
        var endpoint = server.Amqp("vpnin");
        endpoint.Settings.VirtualHost.ShouldBe("vhost:/");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=sol-in"));
        await using var ws = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=sol-in&envelope=true"));
        (await ws.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await broker.SendAsync("/amq/queue/sol-in", 2, "solace-", new Amqp10Fields { Id = "sq", Properties = new Dictionary<string, string> { ["region"] = "eu" } });

        await Eventually.TrueAsync(() => endpoint.Counters.Accepted == 2, $"both messages were accepted ({endpoint.Counters}, {endpoint.Health} {endpoint.HealthDetail})", TimeSpan.FromSeconds(30));
        var viaSse = await sse.NextAsync(2, TimeSpan.FromSeconds(30));
        viaSse.Select(m => m.Id).ShouldBe(["sq-0", "sq-1"]);
        viaSse.Select(m => m.Data).ShouldBe(["solace-0", "solace-1"]);
        viaSse.ShouldAllBe(m => m.Event == "sol-in");
        for (var n = 0; n < 2; n++)
        {
            var envelope = await ws.ReceiveJsonAsync(TimeSpan.FromSeconds(30));
            envelope.GetProperty("id").GetString().ShouldBe($"sq-{n}");
            envelope.GetProperty("topic").GetString().ShouldBe("sol-in");
            envelope.GetProperty("payload").GetString().ShouldBe($"solace-{n}");
            envelope.GetProperty("headers").GetProperty("region").GetString().ShouldBe("eu");
        }
        await Eventually.TrueAsync(() => broker.QueueDepthAsync("sol-in").Result == (0, 0), "the queue is empty: both were settled as accepted");
    }

    [Fact]
    public async Task A_message_on_the_bound_queue_arrives_over_amqps()
    {
        await broker.DeclareQueueAsync("sol-tls");
        await using var server = await RunningServer.StartAsync([
            .. Solace("vpntls", "Queue=sol-tls", "Tls:Enabled=true", $"Port={broker.Broker.TlsPort}", $"Tls:CaFile={broker.Certificates.CaFile}",
                $"Tls:CertFile={broker.Certificates.ClientCertFile}", $"Tls:KeyFile={broker.Certificates.ClientKeyFile}"),
            "--Mediation:Routes:fromSolaceTls:Sources=vpntls", "--Mediation:Routes:fromSolaceTls:Targets=sse"]);
        await server.HealthyAsync("vpntls");
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=sol-tls"));

        await broker.SendAsync("/amq/queue/sol-tls", 1, "over-tls-", new Amqp10Fields { Id = "st" });

        var message = await sse.NextAsync(TimeSpan.FromSeconds(30));
        message.Id.ShouldBe("st-0");
        message.Data.ShouldBe("over-tls-0");
        await Eventually.TrueAsync(() => broker.QueueDepthAsync("sol-tls").Result == (0, 0), "the queue is empty: the message was settled as accepted");
    }

    [Fact]
    public async Task Messages_the_routes_refuse_are_not_accepted_and_are_redelivered_from_the_queue()
    {
        await RefusedDeliveries.StayOnTheBrokerUntilAcceptedAsync(broker, "sol-held", "vpnheld",
            Solace("vpnheld", "Queue=sol-held", "Credit=3", "RedeliveryDelay=00:00:00.100"), credit: 3, total: 10);
    }

    [Fact]
    public async Task Posted_events_reach_an_outside_consumer_of_the_solace_queue_destination()
    {
        await broker.DeclareQueueAsync("sol-jobs");
        await using var server = await RunningServer.StartAsync([
            .. Solace("vpnq", "Transport=amqp10", "Destination=queue://{topic}"),
            "--Mediation:Routes:toSolace:Sources=http[sol-jobs]", "--Mediation:Routes:toSolace:Targets=vpnq"]);
        await server.HealthyAsync("vpnq");

        var id = await server.PostAcceptedAsync("sol-jobs", "job-1");

        var received = await broker.ReceiveAsync("/amq/queue/sol-jobs", 1, TimeSpan.FromSeconds(20));
        received.ShouldHaveSingleItem().Body.ShouldBe("job-1");
        received[0].Id.ShouldBe(id);
        await Eventually.TrueAsync(() => server.Amqp("vpnq").Counters.Acknowledged == 1, "the broker accepted the message");
    }

    [Fact]
    public async Task Posted_events_reach_an_outside_subscriber_of_the_solace_topic_and_wildcard_topics_are_refused()
    {
        await using var server = await RunningServer.StartAsync([
            .. Solace("vpntopic", "Transport=amqp10", "Durable=false"),
            "--Mediation:Routes:toTopic:Sources=http[sol/out/#]", "--Mediation:Routes:toTopic:Targets=vpntopic"]);
        await server.HealthyAsync("vpntopic");
        var endpoint = server.Amqp("vpntopic");

        // The outside subscriber listens on the translated wildcard sol/out/* → /topic/sol.out.*; a topic
        // subscription exists only once its link is attached, so publish until it has one message.
        var receiving = broker.ReceiveAsync("/topic/sol.out.*", 1, TimeSpan.FromSeconds(30));
        for (var attempt = 0; attempt < 40 && !receiving.IsCompleted; attempt++)
        {
            await server.PostAcceptedAsync("sol/out/x", "to-topic");
            await Task.WhenAny(receiving, Task.Delay(500));
        }
        var received = await receiving;
        received.ShouldHaveSingleItem().Body.ShouldBe("to-topic");

        await server.PostAcceptedAsync("sol/out/*", "wildcard");
        await Eventually.TrueAsync(() => endpoint.Counters.Failed == 1, $"a topic with a Solace wildcard is refused and counted ({endpoint.Counters})");
    }
}

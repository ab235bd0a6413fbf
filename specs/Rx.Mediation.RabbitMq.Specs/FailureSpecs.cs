using System.Net;
using System.Text.Json;
using Rx.Mediation.Nodes;
using Rx.Mediation.RabbitMq.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.RabbitMq.Specs;

/// <summary>A broker that cannot be reached or refuses the login: a clear reason, readiness says so, the server stays up.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class FailureSpecs(RabbitMqFixture rabbit)
{
    [Fact]
    public async Task Nothing_listening_at_the_address_makes_the_endpoint_unhealthy_with_the_reason_and_the_server_stays_up()
    {
        var port = FreePort.Next();
        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Endpoints:rabbit:Type=rabbitmq", $"--Mediation:Endpoints:rabbit:Uri=amqp://guest:s3cret-pw@127.0.0.1:{port}/", "--Mediation:Endpoints:rabbit:StopTimeout=00:00:01",
             "--Mediation:Routes:toRabbit:Sources=http[orders]", "--Mediation:Routes:toRabbit:Targets=rabbit"]);

        var detail = await UnreadyDetailAsync(server, "rabbit");
        detail.ShouldContain($"127.0.0.1:{port}");
        detail.ShouldContain("connection refused");
        detail.ShouldNotContain("s3cret-pw");
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Accepted and held in the outbound queue until the broker appears.
        (await server.PostAcceptedAsync("orders", "waiting")).ShouldNotBeNullOrEmpty();
        (await server.PostAcceptedAsync("events", "other routes work")).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_refused_without_showing_the_password()
    {
        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Endpoints:rabbit:Type=rabbitmq", $"--Mediation:Endpoints:rabbit:Uri=amqp://guest:not-the-password@127.0.0.1:{rabbit.Broker.AmqpPort}/"]);

        var detail = await UnreadyDetailAsync(server, "rabbit");
        detail.ShouldContain("ACCESS_REFUSED");
        detail.ShouldNotContain("not-the-password");
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_named_in_the_health_detail()
    {
        var queue = RabbitMqFixture.UniqueName("missing");
        await using var server = await RunningServer.StartAsync(rabbit.Endpoint("rabbit", $"Queues={queue}"));

        var detail = await UnreadyDetailAsync(server, "rabbit");
        detail.ShouldContain("NOT_FOUND");
        detail.ShouldContain(queue);
    }

    [Fact]
    public async Task A_bad_setting_names_the_endpoint_and_key_in_readyz()
    {
        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Endpoints:rabbit:Type=rabbitmq", "--Mediation:Endpoints:rabbit:Uri=http://nope", "--Mediation:Endpoints:rabbit:Password=zzz-secret"]);

        var detail = await UnreadyDetailAsync(server, "rabbit");
        detail.ShouldContain("endpoint 'rabbit': Mediation:Endpoints:rabbit:Uri");
        detail.ShouldNotContain("zzz-secret");
    }

    private static async Task<string> UnreadyDetailAsync(RunningServer server, string node)
    {
        string? detail = null;
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            using var ready = await server.Http.GetAsync("/readyz");
            using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            var entry = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == node);
            if (ready.StatusCode == HttpStatusCode.ServiceUnavailable && entry.GetProperty("health").GetString() == nameof(NodeHealth.Unhealthy))
            {
                detail = entry.GetProperty("detail").GetString();
                if (detail is not null) return detail;
            }
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"/readyz never reported {node} unhealthy; last: {json.RootElement}");
            await Task.Delay(100);
        }
    }
}

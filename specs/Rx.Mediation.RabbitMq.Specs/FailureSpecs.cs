using Microsoft.Extensions.Logging;
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

    [Theory]
    [InlineData("pa/ss-word")]
    [InlineData("p@ss-word")]
    [InlineData("p%zzss-word")]
    [InlineData("p:ss-word")]
    public async Task A_password_in_a_malformed_uri_reaches_no_log_no_health_detail_and_no_admin_or_dashboard_answer(string password)
    {
        var port = FreePort.Next();
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(
            ["--Mediation:Endpoints:rabbit:Type=rabbitmq", $"--Mediation:Endpoints:rabbit:Uri=amqp://guest:{password}@127.0.0.1:{port}/",
             "--Mediation:Endpoints:rabbit:StopTimeout=00:00:01", "--Logging:LogLevel:Default=Debug",
             "--Mediation:Routes:toRabbit:Sources=http[orders]", "--Mediation:Routes:toRabbit:Targets=rabbit"],
            b => b.Web.Logging.AddProvider(log));

        var surfaces = new List<string> { await UnreadyDetailAsync(server, "rabbit") };
        foreach (var path in new[] { "/readyz", "/admin", "/admin/endpoints", "/admin/routes", "/admin/entrypoints" })
        {
            // /readyz answers 503 while the broker is away: its body is what an operator reads then.
            using var answer = await server.Http.GetAsync(path);
            surfaces.Add(await answer.Content.ReadAsStringAsync());
        }
        surfaces.Add(await FirstStreamEventAsync(server, "/ui/stream"));
        surfaces.AddRange(log.Lines(LogLevel.Debug));

        surfaces.Count.ShouldBeGreaterThan(7, "something was logged");
        foreach (var surface in surfaces) surface.ShouldNotContain("ss-word", customMessage: "the password's tail leaked");
    }

    /// <summary>The first event of a server-sent stream (the dashboard's snapshot).</summary>
    private static async Task<string> FirstStreamEventAsync(RunningServer server, string path)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var response = await server.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && text.Length > 0) return text.ToString();
            text.AppendLine(line);
        }
        return text.ToString();
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

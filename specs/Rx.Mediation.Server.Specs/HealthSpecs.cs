using System.Net;
using System.Text.Json;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class HealthSpecs
{
    [Fact]
    public async Task Alive_and_ready_when_every_node_is_healthy()
    {
        await using var server = await RunningServer.StartAsync();
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var ready = await server.Http.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString())
            .ShouldBe(["memory", "http", "ws", "sse", "poll"], ignoreOrder: true);
    }

    [Fact]
    public async Task Not_ready_with_an_unhealthy_node_which_is_named_with_its_detail()
    {
        await using var server = await RunningServer.StartAsync(b => b.Nodes.Add(new RecordingNode("kafka", health: NodeHealth.Unhealthy, detail: "connection refused to 127.0.0.1:9092")));
        (await server.Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var ready = await server.Http.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var kafka = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "kafka");
        kafka.GetProperty("health").GetString().ShouldBe("Unhealthy");
        kafka.GetProperty("detail").GetString().ShouldBe("connection refused to 127.0.0.1:9092");
    }
}

using System.Net;
using System.Text.Json;
using Rx.Mediation.Nodes;
using Rx.Mediation.Amqp;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Amqp.Specs.Support;

/// <summary>Reads the server's view of an AMQP endpoint: the node itself and its /readyz entry.</summary>
public static class ServerProbe
{
    public static AmqpEndpoint Amqp(this RunningServer server, string name) =>
        server.Engine.Nodes.OfType<AmqpEndpoint>().Single(n => n.Name == name);

    public static Task HealthyAsync(this RunningServer server, string name) =>
        Eventually.TrueAsync(() => server.Amqp(name).Health == NodeHealth.Healthy,
            $"endpoint {name} is healthy (now {server.Amqp(name).Health}: {server.Amqp(name).HealthDetail})", TimeSpan.FromSeconds(60));

    /// <summary>The /readyz status code and the entry of <paramref name="name"/> in it.</summary>
    public static async Task<(HttpStatusCode Status, string Health, string? Detail)> ReadyzAsync(this RunningServer server, string name)
    {
        using var response = await server.Http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var node = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name);
        var detail = node.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return (response.StatusCode, node.GetProperty("health").GetString()!, detail);
    }
}

using System.Text.Json;
using Rx.Mediation.Kafka;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Kafka.Specs;

internal static class KafkaEndpointSupport
{
    /// <summary>Settings for a kafka endpoint named <paramref name="name"/> plus any extra <c>Key=Value</c> settings.</summary>
    public static string[] Endpoint(string name, string bootstrap, params string[] settings) =>
        [$"--Mediation:Endpoints:{name}:Type=kafka", $"--Mediation:Endpoints:{name}:BootstrapServers={bootstrap}",
            .. settings.Select(s => $"--Mediation:Endpoints:{name}:{s}")];

    public static string[] Route(string name, string sources, string targets, params string[] settings) =>
        [$"--Mediation:Routes:{name}:Sources={sources}", $"--Mediation:Routes:{name}:Targets={targets}",
            .. settings.Select(s => $"--Mediation:Routes:{name}:{s}")];

    public static KafkaEndpoint Kafka(this RunningServer server, string name) =>
        server.Engine.Nodes.OfType<KafkaEndpoint>().Single(n => n.Name == name);

    public static async Task<JsonElement> ReadyNodeAsync(this RunningServer server, string name)
    {
        using var response = await server.Http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == name).Clone();
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

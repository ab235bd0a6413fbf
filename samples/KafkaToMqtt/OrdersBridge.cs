using Rx.Mediation.Engine;
using Rx.Mediation.Kafka;
using Rx.Mediation.Mqtt;
using Rx.Mediation.Operators.Fluent;

namespace KafkaToMqtt;

/// <summary>
/// Urgent orders from Kafka to MQTT: events of topic <c>orders</c> whose <c>priority</c> header is <c>urgent</c>, in
/// batches of up to 100 or every second, published to the MQTT topic <c>orders</c> as one JSON array each.
/// </summary>
public sealed record OrdersBridge(string KafkaServers, string MqttHost, int MqttPort)
{
    /// <summary>Runs until <paramref name="stop"/> fires, then drains what the route accepted and disconnects.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var engine = new MediationEngine();
        engine.Add(KafkaEndpoint.Create("kafka", new KafkaSettings { BootstrapServers = KafkaServers, Topics = "orders", GroupId = "orders-to-mqtt" }));
        engine.Add(MqttEndpoint.Create("mqtt", new MqttSettings { Host = MqttHost, Port = MqttPort }));

        var routes = new RouteTable();
        routes.From("kafka")
            .Where(e => e.Header("priority") == "urgent")
            .Buffer(TimeSpan.FromSeconds(1), 100)
            .To("mqtt");
        await engine.ApplyRoutesAsync(routes, stop);
        await engine.StartAsync(stop);

        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
        await engine.StopAsync(CancellationToken.None);
    }
}

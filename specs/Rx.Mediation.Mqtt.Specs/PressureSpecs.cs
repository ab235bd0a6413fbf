using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>
/// The endpoint's outbound queue holds its routes back at half its capacity: with the broker down, what does not fit
/// waits in the route's bridge instead of being dropped by the endpoint (a Mosquitto of its own, stopped and started
/// as in <see cref="ReliabilitySpecs"/>).
/// </summary>
public sealed class PressureSpecs
{
    [Fact]
    public async Task With_the_broker_down_a_small_outbound_queue_holds_the_route_back_and_nothing_is_dropped()
    {
        await using var broker = await MosquittoBroker.StartAsync(persistent: true);
        // A persistent session registered first: the broker keeps every message for it across the restart.
        await broker.SubscribeUntilDoneAsync(TimeSpan.FromSeconds(30), "-i", "pressure-checker", "-c", "-x", "3600", "-q", "1", "-t", "pressure/#", "-E");
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:broker:Type=mqtt5", $"--Mediation:Endpoints:broker:Host={broker.Host}",
            $"--Mediation:Endpoints:broker:Port={broker.Port}", "--Mediation:Endpoints:broker:OutboundCapacity=40", "--Mediation:Endpoints:broker:MaxInFlight=5",
            "--Mediation:Routes:toMqtt:Sources=http[pressure/#]", "--Mediation:Routes:toMqtt:Targets=broker"]);
        var endpoint = ServerSpecs.Find(server, "broker");
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, "the endpoint is connected");
        var route = server.Engine.Routes.Single(r => r.Name == "toMqtt");

        await broker.StopGracefullyAsync();
        await Eventually.TrueAsync(() => endpoint.Health != NodeHealth.Healthy, "the endpoint noticed the broker went away");
        const int total = 200;
        var accepted = await PostLoad.AllAcceptedAsync(server, "pressure/n", total);

        // Nothing is taken from the queue without a connection: 20 (half of OutboundCapacity) wait in the queue, the
        // route holds the other 180.
        await HeldBack.ShouldHoldAsync(route, endpoint.Pressure, endpoint.Counters, held: total - 20, pending: 20);
        endpoint.Counters.Published.ShouldBe(0);

        await broker.StartProcessAsync();
        await HeldBack.ShouldDeliverAllAsync(route, endpoint.Pressure, endpoint.Counters, total, TimeSpan.FromSeconds(40));

        var lines = await broker.SubscribeUntilDoneAsync(TimeSpan.FromSeconds(30), "-i", "pressure-checker", "-c", "-x", "3600", "-q", "1", "-t", "pressure/#", "-W", "3");
        var seen = lines.Where(l => l.StartsWith("pressure/n|", StringComparison.Ordinal)).Select(l => l["pressure/n|".Length..]).ToHashSet();
        accepted.Where(a => !seen.Contains(a)).ShouldBeEmpty("events the engine accepted but the broker never delivered");
    }
}

using Rx.Mediation.Nodes;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Mqtt.Specs;

/// <summary>The <c>solace</c> endpoint's protocol path, run against Mosquitto (no PubSub+ broker is available here).</summary>
[Collection(MosquittoCollection.Name)]
public sealed class SolaceSpecs(MosquittoFixture fixture)
{
    [Fact]
    public async Task Solace_wildcard_subscriptions_receive_and_posted_events_are_published_while_wildcard_topics_are_refused()
    {
        var broker = fixture.Broker;
        var sink = new RecordingNode("sink");
        await using var sub = broker.Subscribe("-i", "check-solace", "-q", "1", "-t", "sol/out/#");
        await broker.WaitUntilSubscribedAsync(sub, "sol/out/probe");
        await using var server = await RunningServer.StartAsync(["--Mediation:Endpoints:vpn:Type=solace", "--Mediation:Endpoints:vpn:MessageVpn=default",
            $"--Mediation:Endpoints:vpn:Host={broker.Host}", $"--Mediation:Endpoints:vpn:Port={broker.Port}", "--Mediation:Endpoints:vpn:Subscriptions=sol/*/in/>",
            "--Mediation:Routes:in:Sources=vpn", "--Mediation:Routes:in:Targets=sink", "--Mediation:Routes:out:Sources=http[sol/out/#]", "--Mediation:Routes:out:Targets=vpn"],
            b => b.Nodes.Add(sink));
        var endpoint = ServerSpecs.Find(server, "vpn");
        await Eventually.TrueAsync(() => endpoint.Health == NodeHealth.Healthy, $"the endpoint is connected ({endpoint.HealthDetail})");

        await Eventually.TrueAsync(() => sink.Count > 0 || Publish(), "the translated subscription sol/+/in/# receives");
        bool Publish()
        {
            broker.PublishAsync("-t", "sol/eu/in/orders", "-q", "1", "-m", "from-mqtt", "-D", "publish", "user-property", "k", "v").GetAwaiter().GetResult();
            return sink.Count > 0;
        }
        sink.Received[0].Topic.ShouldBe("sol/eu/in/orders");
        sink.Received[0].Header("k").ShouldBe("v");

        await server.PostAcceptedAsync("sol/out/x", "to-solace");
        (await sub.WaitForOutputAsync(l => l.StartsWith("sol/out/x|to-solace", StringComparison.Ordinal), TimeSpan.FromSeconds(20))).ShouldBeTrue(sub.Output);

        await server.PostAcceptedAsync("sol/out/*", "wildcard");
        await Eventually.TrueAsync(() => endpoint.Counters.Failed == 1, $"a topic with a Solace wildcard is refused and counted ({endpoint.Counters})");
    }
}

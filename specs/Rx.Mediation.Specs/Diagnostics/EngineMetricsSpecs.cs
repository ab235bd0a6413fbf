using System.Diagnostics.Metrics;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Marbles;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Diagnostics;

/// <summary>The engine's ledgers as observable instruments, with no service container: read when collected.</summary>
public class EngineMetricsSpecs
{
    [Fact]
    public async Task Without_a_container_the_instruments_read_the_route_ledgers_drops_bridges_health_and_endpoint_counters()
    {
        var engine = new MediationEngine(new EngineOptions { Scheduler = new MarbleScheduler(), DrainTimeout = TimeSpan.FromMilliseconds(50) });
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        engine.Add(source).Add(target);
        var routes = new RouteTable();
        routes.From("in").Named("r").Bridge(2, OverflowStrategy.DropNew).Where(e => e.Text != "skip").To("out");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();
        var sent = new EndpointCounters();
        sent.CountPublished();
        sent.CountPublished();
        sent.CountAcknowledged();

        using var metrics = new EngineMetrics(engine, endpointCounters: n => n.Name == "out" ? sent : null);
        using var listener = Listen(metrics.Meter);

        source.Emit("a");
        source.Emit("skip");
        source.Emit("overflow"); // the bridge holds two until the virtual clock lets it drain
        var waiting = listener.Collect();
        waiting[("rx.mediation.route.bridge.depth", "route=r")].ShouldBe(2);
        waiting[("rx.mediation.route.bridge.bytes", "route=r")].ShouldBe("a".Length + "skip".Length);
        ((MarbleScheduler)engine.Scheduler).AdvanceBy(MarbleScheduler.Frames(1000));

        var values = listener.Collect();
        var c = engine.FindRoute("r")!.Counters;
        values[("rx.mediation.route.events", "route=r,stage=offered")].ShouldBe(c.Offered);
        values[("rx.mediation.route.events", "route=r,stage=accepted")].ShouldBe(2);
        values[("rx.mediation.route.events", "route=r,stage=refused")].ShouldBe(1);
        values[("rx.mediation.route.events", "route=r,stage=filtered")].ShouldBe(1);
        values[("rx.mediation.route.events", "route=r,stage=delivered")].ShouldBe(1);
        values[("rx.mediation.route.drops", "reason=drop-new,route=r")].ShouldBe(1);
        values[("rx.mediation.route.drops", "reason=drop-head,route=r")].ShouldBe(0);
        values[("rx.mediation.route.bridge.depth", "route=r")].ShouldBe(0);
        values[("rx.mediation.route.bridge.capacity", "route=r")].ShouldBe(2);
        values[("rx.mediation.route.bridge.bytes", "route=r")].ShouldBe(0);
        values[("rx.mediation.route.bridge.max_bytes", "route=r")].ShouldBe(BridgeOptions.DefaultMaxBytes);
        values[("rx.mediation.route.drops", "reason=byte-budget,route=r")].ShouldBe(0);
        values[("rx.mediation.route.operator.events", $"index=0,kind=filtered,operator={engine.FindRoute("r")!.Definition.Stages[0].Description},route=r")].ShouldBe(1);
        values[("rx.mediation.route.state", "route=r,state=running")].ShouldBe(1);
        values[("rx.mediation.node.health", "kind=endpoint,node=out,state=healthy")].ShouldBe(1);
        values[("rx.mediation.endpoint.events", "endpoint=out,outcome=published")].ShouldBe(2);
        values[("rx.mediation.endpoint.in_flight", "endpoint=out")].ShouldBe(1);
        values.Keys.ShouldNotContain(k => k.Tags.Contains("endpoint=in"));

        var stopped = engine.DisposeAsync().AsTask();
        while (!stopped.IsCompleted)
        {
            ((MarbleScheduler)engine.Scheduler).AdvanceBy(MarbleScheduler.Frames(1000));
            await Task.WhenAny(stopped, Task.Delay(10));
        }
        await stopped;
    }

    [Fact]
    public void The_latency_histogram_records_seconds_since_the_event_timestamp_by_node_and_via()
    {
        var value = Event.FromText("in", "t", "x", timestamp: DateTimeOffset.UtcNow - TimeSpan.FromSeconds(2));
        var seen = new List<(double Seconds, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // By name, as OpenTelemetry matches: the histogram may be published while MediationMeter is first initialised.
                if (instrument.Meter.Name == MediationMeter.Name && instrument.Name == MediationMeter.DeliveryLatencyName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var text = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            if (text.Contains("node=spec-node")) lock (seen) seen.Add((seconds, text));
        });
        listener.Start();

        MediationMeter.Acknowledged("spec-node", value);
        MediationMeter.Written("spec-node", Event.FromText("in", "t", "x", timestamp: DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1)));

        seen.Count.ShouldBe(2);
        seen[0].Tags.ShouldBe("node=spec-node,via=ack");
        seen[0].Seconds.ShouldBeInRange(2, 30);
        seen[1].Tags.ShouldBe("node=spec-node,via=write");
        seen[1].Seconds.ShouldBe(0); // a timestamp ahead of our clock is no negative latency
    }

    private static InstrumentReader Listen(Meter meter) => new(meter);
}

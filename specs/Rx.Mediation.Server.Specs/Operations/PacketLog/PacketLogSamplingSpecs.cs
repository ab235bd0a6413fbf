using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Operations.PacketLog;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>Sampling and per-route levels decide which lines are written; every offered record is accounted for.</summary>
public sealed class PacketLogSamplingSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_sampled_event_is_logged_at_every_stage_and_about_one_in_n_are()
    {
        const int events = 10_000;
        var source = new TestNode("in");
        var target = new TestNode("out");
        await using var engine = await PacketLines.StartAsync(DeferredScheduler.Inline(),
            routes => routes.From("in").Named("r").Select(e => e.WithTopic("out")).To("out"), source, target);
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Flow, Sample = "1/10" });
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);

        using (engine.Tap(log))
        {
            // Distinct, irregular timestamps (sampling is decided by the event's timestamp).
            for (var i = 0; i < events; i++) source.Emit(Event.Create("in", "t", new byte[8], timestamp: Start.AddTicks(i * 7919L))).IsAccepted.ShouldBeTrue();
        }
        await writer.StopAsync(default);

        var lines = PacketLines.Parse(output.ToString());
        var byStage = lines.GroupBy(l => l.Text("stage")!).ToDictionary(g => g.Key, g => g.Select(l => l.Text("eventId")).ToHashSet());
        byStage.Keys.Order().ShouldBe(["delivered", "received", "routed"]);
        // Coherent: the same events at each stage.
        byStage["routed"].SetEquals(byStage["received"]).ShouldBeTrue();
        byStage["delivered"].SetEquals(byStage["received"]).ShouldBeTrue();
        // 1 in 10 of 10,000: 1,000 expected, binomial sd 30; the timestamps are fixed, so this is not a matter of luck between runs.
        byStage["received"].Count.ShouldBeInRange(850, 1150);

        var route = engine.FindRoute("r")!;
        var offered = route.Counters.Accepted + route.Counters.Emitted + route.Counters.Delivered;
        offered.ShouldBe(3 * events);
        (log.Counters.Written + log.Counters.SampledOut + log.Counters.Dropped).ShouldBe(offered);
        log.Counters.Written.ShouldBe(lines.Count);
        log.Counters.SampledOutAt(Rx.Mediation.Diagnostics.FlowStage.Received).ShouldBe(events - byStage["received"].Count);
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("1/1", 1.0)]
    [InlineData("1/100", 0.01)]
    [InlineData(" 1/4 ", 0.25)]
    [InlineData("0.05", 0.05)]
    [InlineData("2.5%", 0.025)]
    [InlineData("100%", 1.0)]
    [InlineData("0", 0.0)]
    public void Sample_accepts_one_in_n_fractions_and_percentages(string text, double rate)
    {
        PacketSampling.TryParse(text, out var sampling, out _).ShouldBeTrue();
        sampling.Rate.ShouldBe(rate, 1e-12);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2/3")]
    [InlineData("1/0")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("150%")]
    [InlineData("often")]
    public void Sample_refuses_anything_else(string text)
    {
        PacketSampling.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldContain("1/100");
    }

    [Fact]
    public async Task Each_route_follows_its_own_level_and_sampling()
    {
        var source = new TestNode("in");
        var target = new TestNode("out") { FailWhen = e => e.Text == "bad" };
        var scheduler = new DeferredScheduler();
        var engine = await PacketLines.StartAsync(scheduler, routes =>
        {
            routes.From("in").Named("quiet").Bridge(2, OverflowStrategy.DropNew).To("out");
            routes.From("in").Named("errors-only").Bridge(2, OverflowStrategy.DropNew).To("out");
            routes.From("in").Named("everything").Bridge(2, OverflowStrategy.DropNew).To("out");
        }, source, target);
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions
        {
            Level = PacketLogLevel.Errors,
            Sample = "0",
            Routes =
            {
                ["quiet"] = new PacketLogRouteOptions { Level = PacketLogLevel.Off },
                ["everything"] = new PacketLogRouteOptions { Level = PacketLogLevel.Flow, Sample = "1" },
            },
        });
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);

        using (engine.Tap(log))
        {
            source.Emit("ok");
            source.Emit("bad");
            source.Emit("overflow");    // each bridge holds 2: dropped by all three routes
            scheduler.RunAll();
        }
        await writer.StopAsync(default);
        scheduler.Release();
        await engine.DisposeAsync();

        var lines = PacketLines.Parse(output.ToString()).Select(l => $"{l.Text("route")} {l.Text("stage")} {l.Text("reason")}").ToList();
        lines.Where(l => l.StartsWith("quiet ")).ShouldBeEmpty();
        lines.Where(l => l.StartsWith("errors-only ")).ShouldBe(["errors-only dropped drop-new", "errors-only failed out refuses bad"]);
        lines.Where(l => l.StartsWith("everything ")).Select(l => l.Split(' ')[1]).ShouldBe(
            ["received", "received", "dropped", "routed", "delivered", "routed", "failed"]);
        // Records of stages a route's level leaves out are not offered; the rest are all written (nothing sampled, nothing dropped).
        log.Counters.SampledOut.ShouldBe(0);
        log.Counters.Dropped.ShouldBe(0);
        log.Counters.Written.ShouldBe(lines.Count);
    }

    [Fact]
    public async Task New_settings_apply_to_the_next_record()
    {
        var source = new TestNode("in");
        var target = new TestNode("out");
        await using var engine = await PacketLines.StartAsync(DeferredScheduler.Inline(), routes => routes.From("in").Named("r").To("out"), source, target);
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Errors });
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);
        using var attached = engine.Tap(log);

        source.Emit("before");
        log.Apply(PacketLogSettings.From(new PacketLogOptions { Level = PacketLogLevel.Errors, Routes = { ["r"] = new() { Level = PacketLogLevel.Flow, Sample = "1" } } }));
        source.Emit("after");
        log.Apply(PacketLogSettings.From(new PacketLogOptions { Level = PacketLogLevel.Off }));
        source.Emit("off again");
        await writer.StopAsync(default);

        // (On an immediate scheduler the route delivers inside the offer, so "received" is reported after "delivered".)
        PacketLines.Parse(output.ToString()).Select(l => $"{l.Text("stage")} {l.GetProperty("payloadBytes").GetInt32()}").Order()
            .ShouldBe(["delivered 5", "received 5", "routed 5"]);
    }
}

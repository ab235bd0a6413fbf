using System.Reactive.Concurrency;
using System.Text.Json;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Operations.PacketLog;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>Each stage of a real engine route writes one JSON line with every documented field.</summary>
public sealed class PacketLogLineSpecs
{
    [Fact]
    public async Task Every_stage_writes_a_json_line_with_the_documented_fields_and_values()
    {
        var scheduler = new DeferredScheduler();
        var source = new TestNode("in");
        var target = new TestNode("out") { FailWhen = e => e.Text == "bad" };
        var engine = await PacketLines.StartAsync(scheduler, routes => routes.From("in").Named("r")
            .Where(e => e.Text != "skip")
            .Select(e => e.Text == "boom" ? throw new InvalidOperationException("no boom here") : e.WithTopic("done/" + e.Topic))
            .Bridge(4, OverflowStrategy.DropNew)
            .To("out"), source, target);
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Flow, Sample = "1" });
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);
        var stamped = DateTimeOffset.UtcNow.AddMilliseconds(-250);
        var hello = Event.Create("in", "orders/1", "hello"u8.ToArray(), clientId: "client-7", timestamp: stamped);
        var others = new[] { "skip", "bad", "boom", "overflow" }.Select(text => Event.FromText("in", "t", text)).ToList();
        var texts = others.Prepend(hello).ToDictionary(e => e.Id, e => e.Text);
        using (engine.Tap(log))
        {
            source.Emit(hello).IsAccepted.ShouldBeTrue();
            foreach (var value in others.SkipLast(1)) source.Emit(value).IsAccepted.ShouldBeTrue();
            source.Emit(others[^1]).IsAccepted.ShouldBeFalse();   // the bridge holds 4 until the scheduler drains it
            scheduler.RunAll();
        }
        await writer.StopAsync(default);
        scheduler.Release();
        await engine.DisposeAsync();

        var lines = PacketLines.Parse(output.ToString());
        foreach (var line in lines)
        {
            line.EnumerateObject().Select(p => p.Name).ShouldBe(PacketLines.Fields);
            line.Text("log").ShouldBe("packet");
            line.Text("route").ShouldBe("r");
            line.Text("source").ShouldBe("in");
            line.Text("kind").ShouldBe("data");
            DateTime.TryParseExact(line.Text("timestamp"), "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", null, System.Globalization.DateTimeStyles.AdjustToUniversal, out _).ShouldBeTrue(line.Text("timestamp"));
            line.GetProperty("latencyMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
            line.GetProperty("latencyMs").GetRawText().ShouldMatch(@"^\d+\.\d{3}$");
        }
        string Describe(JsonElement l) =>
            $"{l.Text("stage")} {texts[l.Text("eventId")!]} {l.Text("direction")} {l.Text("topic")} target={l.Text("target")} reason={l.Text("reason")}";
        lines.Select(Describe).ShouldBe([
            "received hello in orders/1 target= reason=",
            "received skip in t target= reason=",
            "received bad in t target= reason=",
            "received boom in t target= reason=",
            "dropped overflow in t target= reason=drop-new",
            "routed hello out done/orders/1 target= reason=",
            "delivered hello out done/orders/1 target=out reason=",
            "routed bad out done/t target= reason=",
            "failed bad out done/t target=out reason=out refuses bad",
            "failed boom in t target= reason=no boom here",
        ]);
        lines.Where(l => l.Text("stage") != "failed").ShouldAllBe(l => l.Text("at") == null);
        lines.Single(l => l.Text("stage") == "failed" && l.Text("direction") == "out").Text("at").ShouldBe("to:out");
        lines.Single(l => l.Text("stage") == "failed" && l.Text("direction") == "in").Text("at")!.ShouldStartWith("select(");

        target.Sent.Single().Id.ShouldBe(hello.Id);
        var helloLines = lines.Where(l => l.Text("eventId") == hello.Id).ToList();
        helloLines.ShouldAllBe(l => l.Text("clientId") == "client-7" && l.GetProperty("payloadBytes").GetInt32() == 5);
        // The event was stamped 250 ms before it was offered: each stage's latency counts from that stamp.
        helloLines.ShouldAllBe(l => l.GetProperty("latencyMs").GetDouble() >= 250 && l.GetProperty("latencyMs").GetDouble() < 60_000);
        lines.Where(l => l.Text("eventId") != hello.Id).ShouldAllBe(l => l.Text("clientId") == null && l.GetProperty("payloadBytes").GetInt32() == texts[l.Text("eventId")!].Length);
        log.Counters.Written.ShouldBe(lines.Count);
        log.Counters.Dropped.ShouldBe(0);
        log.Counters.SampledOut.ShouldBe(0);
    }

    [Fact]
    public async Task A_slow_client_drop_at_an_entrypoint_is_a_dropped_line_going_out_to_that_entrypoint()
    {
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Errors });
        var value = Event.FromText("memory", "events", "late", clientId: null);

        log.OnEntrypointDrop(new DropRecord("sse", DropReason.SlowClient, value, DateTimeOffset.UtcNow));
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);
        await writer.StopAsync(default);

        var line = PacketLines.Parse(output.ToString()).ShouldHaveSingleItem();
        line.EnumerateObject().Select(p => p.Name).ShouldBe(PacketLines.Fields);
        line.Text("stage").ShouldBe("dropped");
        line.Text("route").ShouldBeNull();
        line.Text("target").ShouldBe("sse");
        line.Text("direction").ShouldBe("out");
        line.Text("reason").ShouldBe("slow-client");
        line.Text("eventId").ShouldBe(value.Id);
        line.Text("source").ShouldBe("memory");
        line.GetProperty("payloadBytes").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task Lines_keep_unusual_text_valid_json()
    {
        var output = new StringWriter();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Errors });
        var value = Event.FromText("src", "topic/\"quoted\"\\back\nline/ünï", "x", clientId: "<c&d>");

        log.OnFlow(new Rx.Mediation.Diagnostics.FlowRecord(Rx.Mediation.Diagnostics.FlowStage.Failed, "r", value, "to:t", "bad \"thing\"\r\n\u0001", DateTimeOffset.UtcNow));
        var writer = PacketLines.Writer(log, output);
        await writer.StartAsync(default);
        await writer.StopAsync(default);

        output.ToString().Count(c => c == '\n').ShouldBe(1);
        var line = PacketLines.Parse(output.ToString()).ShouldHaveSingleItem();
        line.Text("topic").ShouldBe(value.Topic);
        line.Text("clientId").ShouldBe("<c&d>");
        line.Text("reason").ShouldBe("bad \"thing\"\r\n\u0001");
        line.Text("target").ShouldBe("t");
    }
}

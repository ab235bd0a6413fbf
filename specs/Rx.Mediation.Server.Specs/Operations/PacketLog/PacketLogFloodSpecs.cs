using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Operations.PacketLog;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>
/// A stalled output fills the log's own queue: the log drops and counts its lines, the route loses nothing and does not
/// wait, and written + dropped + sampled out adds up to exactly what the route offered.
/// </summary>
public sealed class PacketLogFloodSpecs
{
    [Theory]
    [InlineData("1")]
    [InlineData("1/3")]
    public async Task A_blocked_output_costs_the_log_its_own_lines_counted_exactly_and_never_the_route(string sample)
    {
        const int events = 20_000;
        const int capacity = 16;
        var source = new TestNode("in");
        var target = new TestNode("out");
        await using var engine = await PacketLines.StartAsync(TaskPoolScheduler.Default,
            routes => routes.From("in").Named("r").Bridge(events, OverflowStrategy.DropNew).To("out"), source, target);
        var output = new BlockingWriter();
        var logger = new CapturingLogger<PacketLogWriter>();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Flow, Sample = sample, Capacity = capacity });
        var writer = PacketLines.Writer(log, output, logger);
        await writer.StartAsync(default);
        using var attached = engine.Tap(log);

        // Park the writer in a Write call first, so the whole flood meets a stalled output.
        var sampling = PacketSampling.Parse(sample);
        var first = DateTimeOffset.UtcNow;
        while (!sampling.Keeps(first.UtcTicks)) first = first.AddTicks(1);
        source.Emit(Event.Create("in", "t", new byte[1], timestamp: first)).IsAccepted.ShouldBeTrue();
        await Eventually.TrueAsync(() => output.IsBlocked, "the writer is blocked in its output");
        for (var i = 1; i < events; i++) source.Emit(Event.Create("in", "t", new byte[1], timestamp: DateTimeOffset.UtcNow.AddTicks(i))).IsAccepted.ShouldBeTrue();

        var route = engine.FindRoute("r")!;
        // The route finishes its work while the log's output is still stalled: it never waited for the log.
        await Eventually.TrueAsync(() => route.Counters.Delivered == events, "every event was delivered while the log's output was blocked");
        output.IsBlocked.ShouldBeTrue();
        route.Counters.Accepted.ShouldBe(events);
        route.Counters.Dropped.Total.ShouldBe(0);
        route.Counters.Failed.ShouldBe(0);
        target.Sent.Count.ShouldBe(events);
        log.Counters.Queued.ShouldBeLessThanOrEqualTo(capacity);
        log.Counters.DroppedBy(PacketLogDropReason.Full).ShouldBeGreaterThan(0);

        output.Release();
        await writer.StopAsync(default);

        var offered = route.Counters.Accepted + route.Counters.Emitted + route.Counters.Delivered;
        offered.ShouldBe(3L * events);
        log.Counters.Queued.ShouldBe(0);
        (log.Counters.Written + log.Counters.Dropped + log.Counters.SampledOut).ShouldBe(offered);
        log.Counters.Offered.ShouldBe(offered);
        log.Counters.Dropped.ShouldBe(log.Counters.DroppedBy(PacketLogDropReason.Full));
        PacketLines.Parse(output.ToString()).Count.ShouldBe((int)log.Counters.Written);
        // At most the queue's capacity plus the batch the writer held when it blocked were written.
        log.Counters.Written.ShouldBeLessThanOrEqualTo(2 * capacity + 3);
        if (sample == "1") log.Counters.SampledOut.ShouldBe(0);
        else log.Counters.SampledOut.ShouldBeGreaterThan(0);

        // The drops are reported as a structured warning with their count.
        var warning = logger.Entries.Where(e => e.Level == LogLevel.Warning).ShouldHaveSingleItem();
        warning.Values["PacketLogDropped"].ShouldBe(log.Counters.Dropped);
        warning.Values["PacketLogDroppedFull"].ShouldBe(log.Counters.Dropped);
        warning.Values["PacketLogWritten"].ShouldBe(log.Counters.Written);
    }

    [Fact]
    public async Task Lines_offered_after_stop_are_counted_as_dropped_stopped()
    {
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Errors });
        var writer = PacketLines.Writer(log, new StringWriter());
        await writer.StartAsync(default);
        await writer.StopAsync(default);

        log.OnEntrypointDrop(new DropRecord("ws", DropReason.SlowClient, Event.FromText("x", "t", "late"), DateTimeOffset.UtcNow));

        log.Counters.DroppedBy(PacketLogDropReason.Stopped).ShouldBe(1);
        log.Counters.Written.ShouldBe(0);
    }

    [Fact]
    public async Task Drops_are_reported_periodically_while_running()
    {
        var output = new BlockingWriter();
        var logger = new CapturingLogger<PacketLogWriter>();
        var log = new PacketLogTap(new PacketLogOptions { Level = PacketLogLevel.Errors, Capacity = 1, ReportInterval = TimeSpan.FromMilliseconds(100) });
        var writer = PacketLines.Writer(log, output, logger);
        await writer.StartAsync(default);
        try
        {
            var drop = new DropRecord("ws", DropReason.SlowClient, Event.FromText("x", "t", "late"), DateTimeOffset.UtcNow);
            log.OnEntrypointDrop(drop);
            await Eventually.TrueAsync(() => output.IsBlocked, "the writer is blocked in its output");
            for (var i = 0; i < 10; i++) log.OnEntrypointDrop(drop);

            await Eventually.TrueAsync(() => logger.Entries.Any(e => e.Level == LogLevel.Warning), "a periodic drop report");
            // One of the ten fits in the queue of 1; the other nine are reported (in one report, or split over two ticks).
            await Eventually.TrueAsync(() => Reported(logger) == 9, "all nine drops are reported");
            logger.Entries.First(e => e.Level == LogLevel.Warning).Message.ShouldContain("in the last 100 ms");
        }
        finally
        {
            output.Release();
            await writer.StopAsync(default);
        }
    }

    private static long Reported(CapturingLogger<PacketLogWriter> logger) =>
        logger.Entries.Where(e => e.Level == LogLevel.Warning).Sum(e => (long)e.Values["PacketLogDropped"]!);
}

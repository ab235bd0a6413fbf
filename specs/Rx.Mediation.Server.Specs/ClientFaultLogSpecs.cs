using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

public sealed class ClientFaultLogSpecs
{
    [Fact]
    public void One_warning_per_interval_and_kind_then_one_saying_how_many_were_left_out()
    {
        var clock = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var log = new CapturedLog();
        var logger = log.CreateLogger("faults");
        var faults = new ClientFaultLog(TimeSpan.FromSeconds(10), clock);

        for (var i = 0; i < 1000; i++) faults.Report(logger, "http", "request body", "Reading the request body timed out due to data arriving too slowly.");
        faults.Report(logger, "http", "protocol", "bad chunk");
        clock.AdvanceBy(TimeSpan.FromSeconds(10));
        faults.Report(logger, "http", "request body", "again");

        log.Entries.Select(e => e.Level).ShouldAllBe(level => level == LogLevel.Warning);
        var lines = log.Lines(LogLevel.Warning);
        lines.Count.ShouldBe(3);
        lines[0].ShouldContain("request body");
        lines[1].ShouldContain("bad chunk");
        lines[2].ShouldContain("again");
        lines[2].ShouldContain("999 more like it left out");
    }
}

using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Hosting;

public sealed class DropLogSpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_slow_client_drop_is_a_warning_and_a_buffer_letting_go_of_an_event_no_client_had_is_debug()
    {
        var (log, drops, scheduler, dropLog) = Start();
        await using var _ = dropLog.Engine;
        drops.OnNext(Drop("sse", DropReason.SlowClient));
        drops.OnNext(Drop("poll", DropReason.BufferTopicEvents));
        drops.OnNext(Drop("poll", DropReason.BufferTopicEvents));
        drops.OnNext(Drop("sse", DropReason.BufferTopics));

        scheduler.AdvanceBy(Interval);

        var lines = log.Entries.Where(e => e.Category == typeof(DropLog).FullName).ToList();
        lines.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)
            .ShouldHaveSingleItem().ShouldStartWith("Dropped 1 events at sse (slow-client)");
        lines.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message).Order().ShouldBe(
        [
            "Dropped 1 events at sse (buffer-topics) in the last 1000 ms; latest e-sse",
            "Dropped 2 events at poll (buffer-topic-events) in the last 1000 ms; latest e-poll",
        ], ignoreOrder: true);
        dropLog.Log.Dispose();
    }

    [Fact]
    public async Task A_quiet_interval_logs_nothing()
    {
        var (log, _, scheduler, dropLog) = Start();
        await using var _engine = dropLog.Engine;

        scheduler.AdvanceBy(Interval * 3);

        log.Entries.Where(e => e.Category == typeof(DropLog).FullName).ShouldBeEmpty();
        dropLog.Log.Dispose();
    }

    private static (CapturedLog Log, Subject<DropRecord> Drops, HistoricalScheduler Scheduler, (DropLog Log, MediationEngine Engine) DropLog) Start()
    {
        var log = new CapturedLog();
        var drops = new Subject<DropRecord>();
        var scheduler = new HistoricalScheduler();
        var engine = new MediationEngine(new EngineOptions { Scheduler = scheduler });
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(log));
        var dropLog = new DropLog(engine, drops, Interval, scheduler, factory.CreateLogger<DropLog>());
        dropLog.Start();
        return (log, drops, scheduler, (dropLog, engine));
    }

    private static DropRecord Drop(string at, DropReason reason) =>
        new(at, reason, Event.Create(at, "t", ReadOnlyMemory<byte>.Empty, id: $"e-{at}"), DateTimeOffset.UnixEpoch);
}

using System.Diagnostics;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Not a benchmark: runs the engine route of <see cref="RouteThroughput"/> in a plain loop for a while, so a sampling
/// profiler (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) can see where its time goes.
/// Run with <c>dotnet run -c Release --project bench/Rx.Mediation.Benchmarks -- --profile-route [seconds]</c>, or
/// <c>--profile-inline</c> for the same route on one thread (its bridge drains inside each send).
/// </summary>
public static class ProfileLoop
{
    public static void Run(TimeSpan duration, bool inline = false)
    {
        var events = Workload.CreateEvents();
        using var fixtureScope = new FixtureScope(inline ? EngineRouteFixture.Create(scheduler: InlineScheduler.Instance) : EngineRouteFixture.Create());
        var fixture = fixtureScope.Fixture;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            if (inline) fixture.SendSyncPaced(events);
            else fixture.SendAsyncPath(events);
            sent += events.Length;
        }
        var nsPerEvent = clock.Elapsed.TotalNanoseconds / sent;
        System.Console.WriteLine($"engine route{(inline ? " (inline)" : "")}: {sent:N0} events in {clock.Elapsed.TotalSeconds:0.0} s, {nsPerEvent:0.0} ns/event");
    }

    /// <summary>
    /// <see cref="EgressTopics"/>' buffers case in a plain loop: every event on one topic, or each on a topic of its own
    /// (<c>--profile-egress one|new [seconds] [rounds]</c>), for a profiler to compare the two. A fixed number of rounds
    /// of <see cref="Workload.EventsPerInvoke"/> events, whichever ends first, suits an instrumenting profiler: the
    /// difference between runs of 1 and 2 rounds is one round's cost without the start-up.
    /// </summary>
    public static void RunEgress(TimeSpan duration, bool newTopics, int rounds = int.MaxValue)
    {
        var payload = new byte[64];
        var batches = Enumerable.Range(0, 4).Select(batch => Enumerable.Range(0, Workload.EventsPerInvoke)
            .Select(i => Rx.Mediation.Events.Event.Create(Workload.SourceName, newTopics ? $"{Workload.InTopic}/{batch}/{i}" : Workload.InTopic, payload)).ToArray()).ToArray();
        var egress = EgressFixture.Create();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        for (var round = 0; round < rounds && clock.Elapsed < duration; round++)
        {
            var events = batches[round % batches.Length];
            egress.Inline(events);
            sent += events.Length;
        }
        var nsPerEvent = clock.Elapsed.TotalNanoseconds / sent;
        egress.DisposeAsync().AsTask().GetAwaiter().GetResult();
        System.Console.WriteLine($"egress buffers, {(newTopics ? "a new topic per event" : "one topic")}: {sent:N0} events in {clock.Elapsed.TotalSeconds:0.0} s, {nsPerEvent:0.0} ns/event; " +
            $"collections gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms");
    }

    private sealed class FixtureScope(EngineRouteFixture fixture) : IDisposable
    {
        public EngineRouteFixture Fixture { get; } = fixture;

        public void Dispose() => Fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

using System.Diagnostics;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// Not a benchmark: runs the engine route of <see cref="RouteThroughput"/> in a plain loop for a while, so a sampling
/// profiler (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>) can see where its time goes.
/// Run with <c>dotnet run -c Release --project bench/Rx.Mediation.Benchmarks -- --profile-route [seconds]</c>.
/// </summary>
public static class ProfileLoop
{
    public static void Run(TimeSpan duration)
    {
        var events = Workload.CreateEvents();
        using var fixtureScope = new FixtureScope(EngineRouteFixture.Create());
        var fixture = fixtureScope.Fixture;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            fixture.SendAsyncPath(events);
            sent += events.Length;
        }
        var nsPerEvent = clock.Elapsed.TotalNanoseconds / sent;
        System.Console.WriteLine($"engine route: {sent:N0} events in {clock.Elapsed.TotalSeconds:0.0} s, {nsPerEvent:0.0} ns/event");
    }

    private sealed class FixtureScope(EngineRouteFixture fixture) : IDisposable
    {
        public EngineRouteFixture Fixture { get; } = fixture;

        public void Dispose() => Fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// <c>/metrics</c> while the file is rewritten under load: a route replaced by a new version continues its series
/// with what the old version counted folded in (its drops, and what it drained after the switch), so a scrape before a
/// reload and one after it never disagree, and at the end the route's series hold every version's ledger.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed partial class ReloadMetricsSpecs(ITestOutputHelper output)
{
    private const int EventsPerSecond = 10_000;
    private const int Reloads = 6;
    private const string Events = "rx_mediation_route_events_total";
    private const string Drops = "rx_mediation_route_drops_total";

    [Fact]
    public async Task Reloads_under_load_lose_no_count_from_metrics_which_end_equal_to_every_versions_ledger_and_the_drop_log()
    {
        using var files = new ConfigFiles(Version(0));
        var load = new LoadSource("load");
        var sink = new RecordingNode("sink");
        var log = new CapturedLog();
        await using var server = await files.StartAsync(b =>
        {
            b.Nodes.Add(load);
            b.Nodes.Add(sink);
            b.Web.Logging.AddProvider(log);
        });
        var runtime = server.App.Services.GetRequiredService<ConfigRuntime>();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        var scrapes = new ScrapeWatch(server);

        using var stop = new CancellationTokenSource();
        var sending = Task.Run(() => load.Run(EventsPerSecond, stop.Token));
        // A scraper beside the checkpoints below, at whatever moments of the reloads it happens to hit.
        var scraping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await scrapes.ScrapeAsync();
                await Task.Delay(10, CancellationToken.None);
            }
        });
        try
        {
            for (var i = 1; i <= Reloads; i++)
            {
                var current = server.Engine.FindRoute("ingress")!;
                // The sink holds the route's drain, as a slow broker would: the small bridge fills and drops.
                sink.Hold();
                var dropped = current.Counters.Dropped[DropReason.DropNew];
                await Eventually.TrueAsync(() => current.Counters.Dropped[DropReason.DropNew] > dropped + 50, $"reload {i}: the full bridge dropped");
                await scrapes.ScrapeAsync();

                var version = status.Current.Version;
                files.Write(Version(i));
                await Eventually.TrueAsync(() => server.Engine.FindRoute("ingress") != current, $"reload {i}: the new version took over", TimeSpan.FromSeconds(10));
                // The replaced version still holds a full bridge: it counts on, outside the running routes, while it drains.
                current.Bridge.Count.ShouldBeGreaterThan(0);
                await scrapes.ScrapeAsync();

                sink.Release();
                await Eventually.TrueAsync(() => status.Current.Version == version + 1, $"reload {i} was applied", TimeSpan.FromSeconds(10));
                await scrapes.ScrapeAsync();
            }
        }
        finally
        {
            sink.Release();
            await stop.CancelAsync();
        }
        await sending;
        await scraping;

        var versions = runtime.RouteHistory.Concat(server.Engine.Routes).Distinct().Where(r => r.Name == "ingress").ToList();
        await Eventually.TrueAsync(() => versions.All(Balanced), "every version accounted for every event it was offered");
        long Ledger(Func<RouteRuntime, long> line) => versions.Sum(line);
        var droppedByReason = Enum.GetValues<DropReason>().ToDictionary(r => r, r => Ledger(v => v.Counters.Dropped[r]));
        await Eventually.TrueAsync(() => LoggedDrops(log).Values.Sum() == droppedByReason.Values.Sum(), "the drop log wrote its last window");
        var logged = LoggedDrops(log);
        var metrics = await scrapes.ScrapeAsync();

        output.WriteLine($"{versions.Count} versions of 'ingress', {scrapes.Count} scrapes; offered {Ledger(v => v.Counters.Offered)}, "
            + $"accepted {Ledger(v => v.Counters.Accepted)}, dropped {string.Join(", ", droppedByReason.Where(d => d.Value > 0).Select(d => $"{d.Key.ToName()} {d.Value}"))}");
        scrapes.Problems.ShouldBeEmpty();
        versions.Count.ShouldBe(Reloads + 1);
        droppedByReason[DropReason.DropNew].ShouldBeGreaterThan(Reloads * 50);
        metrics.Value(Events, ("route", "ingress"), ("stage", "offered")).ShouldBe(Ledger(v => v.Counters.Offered));
        metrics.Value(Events, ("route", "ingress"), ("stage", "accepted")).ShouldBe(Ledger(v => v.Counters.Accepted));
        metrics.Value(Events, ("route", "ingress"), ("stage", "refused")).ShouldBe(Ledger(v => v.Counters.Refused));
        metrics.Value(Events, ("route", "ingress"), ("stage", "emitted")).ShouldBe(Ledger(v => v.Counters.Emitted));
        metrics.Value(Events, ("route", "ingress"), ("stage", "delivered")).ShouldBe(Ledger(v => v.Counters.Delivered));
        metrics.Value(Events, ("route", "ingress"), ("stage", "filtered")).ShouldBe(Ledger(v => v.Filtered));
        foreach (var (reason, count) in droppedByReason)
        {
            metrics.Value(Drops, ("route", "ingress"), ("reason", reason.ToName())).ShouldBe(count, reason.ToName());
            logged.GetValueOrDefault(("ingress", reason.ToName())).ShouldBe(count, $"the drop log's {reason.ToName()}");
        }
        // The source's own view: every refusal it was answered with is on /metrics.
        metrics.Value(Events, ("route", "ingress"), ("stage", "refused")).ShouldBe(load.Refused);
        sink.Count.ShouldBe((int)Ledger(v => v.Counters.Delivered));
    }

    [Fact]
    public async Task The_admin_API_shows_beside_the_running_versions_counters_the_totals_that_metrics_export()
    {
        static string Config(string filter) => $$"""
            server:
              reload-debounce: 50ms
            entrypoints:
              webhook: { type: http, path: /events }
            endpoints:
              broker: { type: memory }
            routes:
              - name: r
                from: webhook
                pipeline:
                  - where: "{{filter}}"
                to: broker
            """;
        using var files = new ConfigFiles(Config("json.n > 1"));
        await using var server = await files.StartAsync();
        var status = server.App.Services.GetRequiredService<ConfigStatus>();
        for (var i = 0; i < 3; i++) await server.PostAcceptedAsync("events", """{"n": 2}""");
        await Eventually.TrueAsync(() => server.Engine.FindRoute("r")!.Counters.Emitted == 3, "the first version sent its three");

        files.Write(Config("json.n > 2"));
        await Eventually.TrueAsync(() => status.Current.Version == 2, "the reload was applied");
        for (var i = 0; i < 2; i++) await server.PostAcceptedAsync("events", """{"n": 2}""");
        await Eventually.TrueAsync(() => server.Engine.FindRoute("r")!.Filtered == 2, "the second version filtered its two");

        using var admin = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes/r"));
        var running = admin.RootElement.GetProperty("counters");
        var totals = admin.RootElement.GetProperty("totals").GetProperty("counters");
        (running.GetProperty("offered").GetInt64(), running.GetProperty("emitted").GetInt64(), running.GetProperty("filtered").GetInt64()).ShouldBe((2, 0, 2));
        (totals.GetProperty("offered").GetInt64(), totals.GetProperty("emitted").GetInt64(), totals.GetProperty("filtered").GetInt64()).ShouldBe((5, 3, 2));
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value(Events, ("route", "r"), ("stage", "offered")).ShouldBe(5);
        metrics.Value(Events, ("route", "r"), ("stage", "emitted")).ShouldBe(3);
    }

    private static bool Balanced(RouteRuntime route)
    {
        var c = route.Counters;
        return route.Bridge.Count == 0 && c.Offered == c.Emitted + route.Filtered + c.Failed + c.Dropped.Total + c.DiscardedAfterCompletion;
    }

    /// <summary>The drop log's counts, summed over its lines, by route and reason.</summary>
    private static Dictionary<(string Route, string Reason), long> LoggedDrops(CapturedLog log) =>
        log.Lines(LogLevel.Warning)
            .Select(line => DropLine().Match(line))
            .Where(m => m.Success)
            .GroupBy(m => (m.Groups["route"].Value, m.Groups["reason"].Value))
            .ToDictionary(g => g.Key, g => g.Sum(m => long.Parse(m.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^Dropped (?<count>\d+) events at (?<route>.+) \((?<reason>[a-z-]+)\) in the last \d+ ms")]
    private static partial Regex DropLine();

    /// <summary>Version i: the same operator each time, a bridge one slot larger, so that every version replaces the route.</summary>
    private static string Version(int i) => $$"""
        server:
          reload-debounce: 50ms
          drop-log-interval: 100ms
        routes:
          - name: ingress
            from: load
            pipeline:
              - where: "json.n > 0"
            to: sink
            bridge: { capacity: {{16 + i}}, full: drop-new }
        """;

    /// <summary>Scrapes <c>/metrics</c> one at a time and notes every route counter series that went down or disappeared.</summary>
    private sealed class ScrapeWatch(RunningServer server)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<(string Name, string Labels), double> _last = [];
        private readonly List<string> _problems = [];

        public int Count { get; private set; }

        public IReadOnlyList<string> Problems => [.. _problems];

        public async Task<ExpositionChecker> ScrapeAsync()
        {
            await _gate.WaitAsync();
            try
            {
                var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
                var now = metrics.Samples.Where(s => s.Name.StartsWith("rx_mediation_route_", StringComparison.Ordinal) && s.Name.EndsWith("_total", StringComparison.Ordinal))
                    .ToDictionary(s => (s.Name, s.LabelKey), s => s.Value);
                foreach (var (key, last) in _last)
                {
                    if (!now.TryGetValue(key, out var value)) _problems.Add($"{key} disappeared at {last}");
                    else if (value < last) _problems.Add($"{key} went down from {last} to {value}");
                }
                foreach (var (key, value) in now) _last[key] = value;
                Count++;
                return metrics;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}

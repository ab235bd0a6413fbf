using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Diagnostics;

/// <summary>
/// Route counters as a scraper sees them across route swaps: a route replaced by a new version of its name continues
/// its series, with what the old instance counted (drops, and what it drained after the swap) folded in.
/// </summary>
public class RouteTotalsSpecs
{
    private const int Reloads = 8;

    private static readonly string[] CounterNames = ["rx.mediation.route.events", "rx.mediation.route.drops", "rx.mediation.route.operator.events"];

    [Fact]
    public async Task A_route_replaced_under_load_continues_its_series_which_never_go_down_and_end_at_the_sum_of_its_instances()
    {
        var source = new RecordingNode("in");
        var target = new GatedNode("out");
        await using var engine = new MediationEngine();
        engine.Add(source).Add(target);
        await engine.ApplyRoutesAsync(Table());
        await engine.StartAsync();
        var instances = new List<RouteRuntime> { engine.FindRoute("r")! };
        using var metrics = new EngineMetrics(engine);
        using var reader = new InstrumentReader(metrics.Meter);
        var watch = new SeriesWatch(reader);

        using var stop = new CancellationTokenSource();
        var producing = Task.Run(() =>
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                source.Emit((n % 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (n % 256 == 0) Thread.Yield();
            }
        });
        // A scraper beside the checkpoints below, at whatever moments of the swaps it happens to hit.
        var scraping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                watch.Scrape();
                await Task.Yield();
            }
        });
        try
        {
            for (var reload = 1; reload <= Reloads; reload++)
            {
                var current = instances[^1];
                // A slow target holds the route's drain: its bridge fills and drops what the source sends on.
                target.Close();
                var dropped = current.Counters.Dropped[DropReason.DropNew];
                await Wait.Until(() => current.Counters.Dropped[DropReason.DropNew] > dropped + 100, $"reload {reload}: the full bridge dropped new events");
                watch.Scrape();

                var applying = engine.ApplyRoutesAsync(Table());
                await Wait.Until(() => engine.FindRoute("r") != current, $"reload {reload}: a new instance took over");
                instances.Add(engine.FindRoute("r")!);
                // The old instance left the running routes with a full bridge: it counts on while it drains.
                current.Bridge.Count.ShouldBeGreaterThan(0);
                watch.Scrape();

                target.Open();
                await applying;
                current.State.ShouldBe(RouteState.Completed, "the old instance drained what it held");
                watch.Scrape();
            }
        }
        finally
        {
            target.Open();
            await stop.CancelAsync();
        }
        await producing;
        await scraping;
        await Wait.Until(() => Idle(instances[^1]), "the last instance accounted for what it was offered");
        var exported = watch.Scrape();

        watch.Problems.ShouldBeEmpty();
        watch.Scrapes.ShouldBeGreaterThan(Reloads * 3);
        instances.Distinct().Count().ShouldBe(Reloads + 1);
        instances.Sum(r => r.Counters.Dropped[DropReason.DropNew]).ShouldBeGreaterThan(Reloads * 100);
        Expected(instances).Where(e => exported.GetValueOrDefault(e.Key, -1) != e.Value)
            .Select(e => $"{e.Key}: exported {exported.GetValueOrDefault(e.Key, -1)}, the instances counted {e.Value}")
            .ShouldBeEmpty();
    }

    [Fact]
    public async Task A_removed_route_keeps_its_totals_and_reloads_keep_one_entry_per_route_name_and_operator()
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        await using var engine = new MediationEngine();
        engine.Add(source).Add(target);
        await engine.StartAsync();
        using var metrics = new EngineMetrics(engine);
        using var reader = new InstrumentReader(metrics.Meter);

        for (var version = 1; version <= 40; version++)
        {
            var routes = new RouteTable();
            // Two forms of the operator at index 0: each keeps its own line.
            if (version % 2 == 0) routes.From("in").Named("kept").Where(e => e.Text != "skip").To("out");
            else routes.From("in").Named("kept").Where(e => e.Text.Length > 0).To("out");
            if (version <= 10) routes.From("in").Named("removed").To("out");
            await engine.ApplyRoutesAsync(routes);
            source.Emit("x").IsAccepted.ShouldBeTrue();
            source.Emit("skip").IsAccepted.ShouldBeTrue();
        }

        await Wait.Until(() => engine.RouteTotals()[0] is { Emitted: 60, Filtered: 20 }, "every instance of 'kept' delivered or filtered its events");
        var totals = engine.RouteTotals();
        totals.Select(t => (t.Name, t.Running)).ShouldBe([("kept", true), ("removed", false)]);
        var kept = totals[0];
        (kept.Offered, kept.Emitted, kept.Filtered).ShouldBe((80, 60, 20));
        kept.Operators.Select(o => (o.Index, o.In, o.Out)).ShouldBe([(0, 40, 20), (0, 40, 40)]);
        totals[1].Emitted.ShouldBe(20);
        var exported = reader.Collect();
        exported[("rx.mediation.route.events", "route=removed,stage=delivered")].ShouldBe(20, "a removed route's series stays at its total");
        exported[("rx.mediation.route.events", "route=kept,stage=delivered")].ShouldBe(60);
        exported.Keys.ShouldNotContain(k => k.Name == "rx.mediation.route.state" && k.Tags.Contains("route=removed"));
    }

    private static RouteTable Table()
    {
        var table = new RouteTable();
        table.From("in").Named("r").Bridge(16, OverflowStrategy.DropNew).Where(e => e.Text != "0").To("out");
        return table;
    }

    private static bool Idle(RouteRuntime route)
    {
        var c = route.Counters;
        return route.Bridge.Count == 0 && c.Offered == c.Emitted + route.Filtered + c.Failed + c.Dropped.Total + c.DiscardedAfterCompletion;
    }

    /// <summary>What every exported route counter should read: each line summed over the instances.</summary>
    private static Dictionary<(string Name, string Tags), long> Expected(IReadOnlyList<RouteRuntime> instances)
    {
        var expected = new Dictionary<(string Name, string Tags), long>();
        void Add(string name, string tags, long value) => expected[(name, tags)] = expected.GetValueOrDefault((name, tags)) + value;
        foreach (var route in instances)
        {
            var c = route.Counters;
            foreach (var (stage, value) in new[]
            {
                ("offered", c.Offered), ("accepted", c.Accepted), ("refused", c.Refused), ("emitted", c.Emitted), ("delivered", c.Delivered),
                ("filtered", route.Filtered), ("failed", c.Failed), ("discarded", c.DiscardedAfterCompletion),
            })
            {
                Add("rx.mediation.route.events", $"route=r,stage={stage}", value);
            }
            foreach (var reason in Enum.GetValues<DropReason>()) Add("rx.mediation.route.drops", $"reason={reason.ToName()},route=r", c.Dropped[reason]);
            var stage0 = route.StageCounters[0];
            var operatorTags = $"index=0,kind={{0}},operator={route.Definition.Stages[0].Description},route=r";
            foreach (var (kind, value) in new[] { ("in", stage0.In), ("out", stage0.Out), ("filtered", stage0.Filtered), ("failed", stage0.Failed) })
            {
                Add("rx.mediation.route.operator.events", string.Format(System.Globalization.CultureInfo.InvariantCulture, operatorTags, kind), value);
            }
        }
        return expected;
    }

    /// <summary>Scrapes one at a time and notes every counter series that went down or disappeared.</summary>
    private sealed class SeriesWatch(InstrumentReader reader)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(string Name, string Tags), long> _last = [];
        private readonly List<string> _problems = [];

        public int Scrapes { get; private set; }

        public IReadOnlyList<string> Problems
        {
            get { lock (_gate) return [.. _problems]; }
        }

        public Dictionary<(string Name, string Tags), long> Scrape()
        {
            lock (_gate)
            {
                var values = reader.Collect();
                foreach (var (key, last) in _last)
                {
                    if (!values.TryGetValue(key, out var now)) _problems.Add($"{key} disappeared at {last}");
                    else if (now < last) _problems.Add($"{key} went down from {last} to {now}");
                }
                foreach (var (key, value) in values.Where(v => CounterNames.Contains(v.Key.Name))) _last[key] = value;
                Scrapes++;
                return values;
            }
        }
    }

    /// <summary>A target that can hold the route's drain, as a slow broker would, until it is opened again.</summary>
    private sealed class GatedNode(string name) : MediationNode(name), IEndpoint
    {
        private readonly ManualResetEventSlim _open = new(initialState: true);

        public void Close() => _open.Reset();

        public void Open() => _open.Set();

        public override void OnNext(Event value)
        {
            if (!_open.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the spec never opened the gate");
        }
    }
}

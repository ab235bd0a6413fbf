using System.Reactive.Concurrency;
using Rx.Mediation.Bridging;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Specs.Support;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Specs.Engine;

/// <summary>The engine on real threads: validation, start/stop order, swaps under load.</summary>
public class EngineSpecs
{
    [Fact]
    public async Task Unknown_sources_and_targets_are_refused_naming_the_route_and_the_name()
    {
        await using var engine = new MediationEngine();
        engine.Add(new RecordingNode("in"));
        var routes = new RouteTable();
        routes.From("in").Named("good").To("in");
        routes.From("nope").Named("bad-source").To("in");
        routes.From("in").Named("bad-target").To("missing");

        var error = await Should.ThrowAsync<RouteBuildException>(() => engine.ApplyRoutesAsync(routes));

        error.Errors.ShouldContain(e => e.Contains("route 'bad-source'") && e.Contains("unknown source 'nope'"));
        error.Errors.ShouldContain(e => e.Contains("route 'bad-target'") && e.Contains("unknown target 'missing'"));
        engine.Routes.ShouldBeEmpty(); // nothing of a refused set runs
    }

    [Fact]
    public async Task Duplicate_node_and_route_names_are_refused()
    {
        await using var engine = new MediationEngine();
        engine.Add(new RecordingNode("a"));
        Should.Throw<ArgumentException>(() => engine.Add(new RecordingNode("a"))).Message.ShouldContain("'a'");
        var routes = new[]
        {
            new RouteDefinition { Name = "r", Sources = [new SourceBinding("a")], Targets = ["a"] },
            new RouteDefinition { Name = "r", Sources = [new SourceBinding("a")], Targets = ["a"] },
        };
        (await Should.ThrowAsync<RouteBuildException>(() => engine.ApplyRoutesAsync(routes))).Message.ShouldContain("route 'r': the name is used by another route");
    }

    [Fact]
    public async Task Endpoints_start_before_entrypoints_and_stop_after_them()
    {
        var order = new List<string>();
        await using var engine = new MediationEngine();
        engine.Add(new OrderedEntrypoint("web", order));
        engine.Add(new OrderedEndpoint("broker", order));

        await engine.StartAsync();
        await engine.StopAsync();

        order.ShouldBe(["start broker", "start web", "stop web", "stop broker"]);
    }

    [Fact]
    public async Task Stopping_delivers_everything_already_accepted_and_refuses_the_rest()
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        await using var engine = new MediationEngine(new EngineOptions { Scheduler = TaskPoolScheduler.Default });
        engine.Add(source).Add(target);
        var routes = new RouteTable();
        routes.From("in").Delay(TimeSpan.FromMilliseconds(50)).To("out");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        var accepted = Enumerable.Range(0, 500).Count(i => source.Emit(i.ToString()).IsAccepted);
        await engine.StopAsync();

        accepted.ShouldBe(500);
        target.SentTexts.ShouldBe(Enumerable.Range(0, 500).Select(i => i.ToString()).ToList());
        source.Emit("after stop").Status.ShouldBe(AdmissionStatus.Rejected);
    }

    [Fact]
    public async Task Stopping_drains_upstream_routes_first_so_events_between_two_routes_are_not_refused()
    {
        var web = new RecordingNode("http");
        var feed = new RecordingNode("sse");
        await using var engine = new MediationEngine();
        engine.Add(new RecordingEntrypoint("web")).Add(new MemoryEndpoint("memory")).Add(feed);
        var entry = (RecordingEntrypoint)engine.Find("web")!;
        var routes = new RouteTable();
        routes.From("web").Named("ingress").Delay(TimeSpan.FromMilliseconds(100)).To("memory");
        routes.From("memory").Named("egress").To("sse");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        for (var i = 0; i < 200; i++) entry.Send(i.ToString()).IsAccepted.ShouldBeTrue();
        await engine.StopAsync();

        feed.SentTexts.Count.ShouldBe(200);
        engine.Routes.Sum(r => r.Counters.Dropped.Total).ShouldBe(0);
        _ = web;
    }

    // The embedded default: a WebSocket entrypoint is both a source of ingress and a target of egress. What is sent to an
    // entrypoint goes to its clients and never comes back as input, so this is no cycle: ingress must still drain first.
    [Fact]
    public async Task An_entrypoint_that_is_both_source_and_target_does_not_make_its_routes_drain_together()
    {
        await using var engine = new MediationEngine();
        var entry = new RecordingEntrypoint("ws");
        engine.Add(entry).Add(new MemoryEndpoint("memory"));
        var routes = new RouteTable();
        routes.From("ws").Named("ingress").Delay(TimeSpan.FromMilliseconds(100)).To("memory");
        routes.From("memory").Named("egress").To("ws");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        for (var i = 0; i < 200; i++) entry.Send(i.ToString()).IsAccepted.ShouldBeTrue();
        await engine.DrainAsync();

        entry.SentTexts.ShouldBe(Enumerable.Range(0, 200).Select(i => i.ToString()).ToList());
        engine.Routes.Sum(r => r.Counters.Dropped.Total + r.Counters.Refused).ShouldBe(0);
    }

    // The race the stress spec below provokes, made deterministic: the source offers to the routes as it read them
    // before a swap. Code routes are rebuilt on every apply, so both old routes have handed over by then.
    [Fact]
    public async Task An_event_offered_to_the_routes_read_before_a_swap_goes_to_each_replaced_routes_successor_and_not_to_new_routes()
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        await using var engine = new MediationEngine();
        engine.Add(source).Add(target);
        await engine.StartAsync();
        await engine.ApplyRoutesAsync(Table("first", "second"));
        var router = engine.RouterOf("in")!;
        var readBeforeTheSwap = router.Inlets;
        var replaced = engine.Routes.ToList();
        await engine.ApplyRoutesAsync(Table("first", "second", "added"));

        var admission = router.Offer(Event.FromText("in", "t", "late"), readBeforeTheSwap);
        var admissionAsync = await router.OfferAsync(Event.FromText("in", "t", "late-async"), readBeforeTheSwap, CancellationToken.None);
        await engine.StopAsync();

        admission.IsAccepted.ShouldBeTrue();
        admissionAsync.IsAccepted.ShouldBeTrue();
        target.SentTexts.Count(t => t == "late").ShouldBe(2);
        target.SentTexts.Count(t => t == "late-async").ShouldBe(2);
        engine.Routes.Single(r => r.Name == "first").Counters.Accepted.ShouldBe(2);
        engine.Routes.Single(r => r.Name == "second").Counters.Accepted.ShouldBe(2);
        engine.Routes.Single(r => r.Name == "added").Counters.Accepted.ShouldBe(0);
        replaced.Sum(r => r.Counters.Refused + r.Counters.Dropped.Total).ShouldBe(0);
    }

    // Routes from "in" to "out", one per name.
    private static RouteTable Table(params string[] names)
    {
        var table = new RouteTable();
        foreach (var name in names) table.From("in").Named(name).To("out");
        return table;
    }

    [Fact]
    public async Task An_event_caught_by_a_swap_that_renamed_its_route_goes_to_the_routes_new_in_that_swap()
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        await using var engine = new MediationEngine();
        engine.Add(source).Add(target);
        await engine.StartAsync();
        await engine.ApplyRoutesAsync(Table("kept-name", "old-name"));
        var router = engine.RouterOf("in")!;
        var readBeforeTheSwap = router.Inlets;
        await engine.ApplyRoutesAsync(Table("kept-name", "new-name"));

        router.Offer(Event.FromText("in", "t", "late"), readBeforeTheSwap).IsAccepted.ShouldBeTrue();
        await engine.StopAsync();

        engine.Routes.Single(r => r.Name == "kept-name").Counters.Accepted.ShouldBe(1);
        engine.Routes.Single(r => r.Name == "new-name").Counters.Accepted.ShouldBe(1);
        target.SentTexts.Count(t => t == "late").ShouldBe(2);
    }

    // A source that read the old routes just before a swap offers to a route that has begun to drain: the route hands
    // the event to its successor rather than refuse it. The window is a few instructions wide, so the swap runs many times.
    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, true)]
    [InlineData(3, false, false)]
    [InlineData(4, true, true)]
    [InlineData(5, true, false)]
    [InlineData(6, true, true)]
    public async Task Swapping_routes_under_load_neither_loses_nor_refuses_and_duplicates_only_across_renames(int run, bool offerAsync, bool renamed)
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        await using var engine = new MediationEngine();
        engine.Add(source).Add(target);
        await engine.StartAsync();
        await engine.ApplyRoutesAsync(Table(0));
        var routes = new List<RouteRuntime>(engine.Routes);

        var swapping = true;
        var producing = Task.Run(() =>
        {
            var refused = new List<string>();
            var emitted = 0;
            while (Volatile.Read(ref swapping))
            {
                // Keep the bridges far from full: a refusal here must come from the swap alone.
                if (2 * emitted - target.SentCount > 10_000)
                {
                    Thread.Yield();
                    continue;
                }
                var text = $"{run}:{emitted++}";
                var admission = offerAsync ? source.EmitAsync(text).AsTask().GetAwaiter().GetResult() : source.Emit(text);
                if (!admission.IsAccepted && refused.Count < 10) refused.Add($"{emitted}: {admission.Reason}");
            }
            return (emitted, refused);
        });
        for (var generation = 1; generation <= 200; generation++)
        {
            await engine.ApplyRoutesAsync(Table(generation));
            routes.AddRange(engine.Routes);
        }
        Volatile.Write(ref swapping, false);
        var (emitted, refusals) = await producing;
        await engine.StopAsync();

        refusals.ShouldBeEmpty();
        // Two routes from the same source: every event once through each. When every swap renames both routes, an event
        // caught mid-switch by one replaced route cannot tell which new route succeeds it and goes to both new routes:
        // at least once through each then, a duplicate rather than a loss.
        var sent = target.SentTexts;
        var copies = sent.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        copies.Count.ShouldBe(emitted);
        if (renamed) copies.Where(c => c.Value < 2).Select(c => $"{c.Key} x{c.Value}").ShouldBeEmpty();
        else copies.Where(c => c.Value != 2).Select(c => $"{c.Key} x{c.Value}").ShouldBeEmpty();
        routes.Distinct().Sum(r => r.Counters.Dropped.Total).ShouldBe(0);
        routes.Distinct().Sum(r => r.Counters.Refused).ShouldBe(0);

        RouteTable Table(int generation)
        {
            var table = new RouteTable();
            foreach (var route in new[] { "a", "b" })
                table.From("in").Named(renamed ? $"{route}-gen-{generation}" : route).Bridge(100_000).To("out");
            return table;
        }
    }

    [Fact]
    public async Task Drops_are_published_with_route_and_reason()
    {
        var source = new RecordingNode("in");
        var target = new RecordingNode("out");
        var drops = new List<DropRecord>();
        // Virtual time that nobody advances: the engine is not stopped here, as stopping waits for drains on that clock.
        var engine = new MediationEngine(new EngineOptions { Scheduler = new Marbles.MarbleScheduler() });
        engine.Add(source).Add(target);
        using var _ = engine.Drops.Subscribe(drops.Add);
        var routes = new RouteTable();
        routes.From("in").Named("tight").Bridge(1, OverflowStrategy.DropNew).To("out");
        await engine.ApplyRoutesAsync(routes);

        source.Emit("a");
        var refused = source.Emit("b");

        refused.Status.ShouldBe(AdmissionStatus.Rejected);
        var drop = drops.ShouldHaveSingleItem();
        (drop.Route, drop.Reason, drop.Event.Text).ShouldBe(("tight", DropReason.DropNew, "b"));
    }

    [Fact]
    public async Task The_memory_endpoint_carries_web_events_to_topic_subscribers_as_broadcasts()
    {
        var web = new RecordingNode("http");
        var feed = new RecordingNode("sse");
        var broker = new InMemoryBroker();
        await using var engine = new MediationEngine(new EngineOptions { Scheduler = ImmediateScheduler.Instance });
        engine.Add(web).Add(new MemoryEndpoint("memory", broker)).Add(feed);
        var routes = new RouteTable();
        routes.From("http").To("memory");
        routes.From("memory").To("sse");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        web.Emit("hello", "events", clientId: "c1").IsAccepted.ShouldBeTrue();

        var delivered = feed.Sent.ShouldHaveSingleItem();
        delivered.Text.ShouldBe("hello");
        delivered.Source.ShouldBe("memory");
        delivered.ClientId.ShouldBeNull();
        delivered.Header(MemoryEndpoint.SenderHeader).ShouldBe("c1");
    }

    [Fact]
    public async Task An_async_offer_across_several_routes_answers_for_each_and_waits_only_for_the_one_that_is_full()
    {
        await using var engine = new MediationEngine();
        var source = new RecordingNode("in");
        var a = new RecordingNode("a");
        var b = new BlockingNode("b");
        engine.Add(source);
        engine.Add(a);
        engine.Add(b);
        await engine.ApplyRoutesAsync(
        [
            new RouteDefinition { Name = "to-a", Sources = [new SourceBinding("in", TopicPattern.Parse("a/#"))], Targets = ["a"] },
            new RouteDefinition { Name = "to-b", Sources = [new SourceBinding("in")], Targets = ["b"], Bridge = new BridgeOptions { Capacity = 1, BackpressureTimeout = TimeSpan.FromSeconds(30) } },
        ]);
        await engine.StartAsync();

        (await source.EmitAsync("x", topic: "other")).IsAccepted.ShouldBeTrue("only 'to-b' wants it");
        await Wait.Until(() => b.Blocked, "b holds its first event");
        (await source.EmitAsync("y", topic: "a/1")).IsAccepted.ShouldBeTrue("'to-a' takes it and 'to-b' has room for one");
        var waiting = source.EmitAsync("z", topic: "a/2");
        await Wait.Until(() => a.SentTexts.Contains("z"), "'to-a' gets z while 'to-b' is full");
        waiting.IsCompleted.ShouldBeFalse("the source waits for the full route");

        b.Release();
        (await waiting).IsAccepted.ShouldBeTrue();
        await Wait.Until(() => b.Received.Count == 3, "b gets all three");
        b.Received.ShouldBe(["x", "y", "z"]);
        a.SentTexts.ShouldBe(["y", "z"]);
    }

    /// <summary>Blocks in its first OnNext until released, as a target stuck on a slow peer.</summary>
    private sealed class BlockingNode(string name) : MediationNode(name), IEndpoint
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _received = new();

        public bool Blocked { get; private set; }

        public IReadOnlyList<string> Received => [.. _received];

        public void Release() => _gate.Set();

        public override void OnNext(Event value)
        {
            _received.Enqueue(value.Text);
            Blocked = true;
            _gate.Wait();
        }
    }

    private sealed class RecordingEntrypoint(string name) : MediationNode(name), IEntrypoint
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _sent = new();

        public IReadOnlyList<string> SentTexts => [.. _sent];

        public override void OnNext(Event value) => _sent.Enqueue(value.Text);

        public Admission Send(string text) => Receive(Event.FromText(Name, "events", text));
    }

    private sealed class OrderedEntrypoint(string name, List<string> order) : OrderedNode(name, order), IEntrypoint;

    private sealed class OrderedEndpoint(string name, List<string> order) : OrderedNode(name, order), IEndpoint;

    private abstract class OrderedNode(string name, List<string> order) : MediationNode(name)
    {
        public override void OnNext(Event value) { }

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            order.Add("start " + Name);
            return base.StartAsync(cancellationToken);
        }

        public override Task StopAsync(CancellationToken cancellationToken)
        {
            order.Add("stop " + Name);
            return base.StopAsync(cancellationToken);
        }
    }
}

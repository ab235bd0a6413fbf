using System.Collections.Concurrent;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Routing;
using Rx.Mediation.Specs.Support;

namespace Rx.Mediation.Specs.Engine;

/// <summary><see cref="MediationEngine.ApplyAsync"/>: nodes brought in with a route set, make-before-break.</summary>
public class NodeSwapSpecs
{
    private static IReadOnlyList<RouteDefinition> Routes(Action<RouteTable> build, string fingerprint = "same")
    {
        var table = new RouteTable();
        build(table);
        return [.. table.Select(r => r with { Fingerprint = fingerprint })];
    }

    [Fact]
    public async Task A_replaced_target_is_started_before_the_switch_and_handed_back_unstopped_after_the_old_route_drained()
    {
        await using var engine = new MediationEngine();
        var input = new Entry("in");
        var old = new Exit("out");
        engine.Add(input).Add(old);
        var routes = Routes(t => t.From("in").Named("r").To("out"));
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();
        var before = engine.FindRoute("r");
        input.Send("a").IsAccepted.ShouldBeTrue();

        var fresh = new Exit("out");
        var startedAtSwitch = false;
        var retired = await engine.ApplyAsync(routes, [fresh], () => startedAtSwitch = fresh.Started && ReferenceEquals(engine.Find("out"), fresh));
        input.Send("b").IsAccepted.ShouldBeTrue();

        startedAtSwitch.ShouldBeTrue("the new instance ran, registered, when sources switched");
        retired.ShouldBe([old]);
        old.Stopped.ShouldBeFalse("the caller stops a replaced instance");
        engine.FindRoute("r").ShouldNotBeSameAs(before, "a route naming a replaced node is rebuilt even with the same fingerprint");
        before!.State.ShouldBe(RouteState.Completed);
        await Wait.Until(() => fresh.Received.Count == 1, "fresh received its event");
        old.Received.ShouldBe(["a"]);
        fresh.Received.ShouldBe(["b"]);
        engine.Nodes.Count(n => n.Name == "out").ShouldBe(1);
    }

    [Fact]
    public async Task A_new_source_is_routed_before_it_starts_so_its_first_event_has_a_route()
    {
        await using var engine = new MediationEngine();
        var target = new Exit("out");
        engine.Add(target);
        await engine.StartAsync();

        var source = new Exit("broker", sendOnStart: "first");
        await engine.ApplyAsync(Routes(t => t.From("broker").Named("r").To("out")), [source]);

        source.OnStartAdmission.ShouldNotBeNull().Status.ShouldBe(AdmissionStatus.Accepted);
        await Wait.Until(() => target.Received.Count == 1, "target received its event");
        target.Received.ShouldBe(["first"]);
    }

    [Fact]
    public async Task What_a_replaced_endpoint_still_receives_is_refused_so_its_broker_redelivers_it()
    {
        await using var engine = new MediationEngine();
        var old = new Exit("broker");
        var target = new Exit("out");
        engine.Add(old).Add(target);
        var routes = Routes(t => t.From("broker").Named("r").To("out"));
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        var fresh = new Exit("broker");
        await engine.ApplyAsync(routes, [fresh]);

        var refused = old.Send("late");
        refused.Status.ShouldBe(AdmissionStatus.Rejected);
        refused.Reason.ShouldBe("'broker' is being replaced");
        refused.RetryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        fresh.Send("new").IsAccepted.ShouldBeTrue();
        await Wait.Until(() => target.Received.Count == 1, "target received its event");
        target.Received.ShouldBe(["new"]);
    }

    [Fact]
    public async Task What_a_replaced_entrypoint_still_receives_goes_to_the_new_routes()
    {
        await using var engine = new MediationEngine();
        var old = new Entry("web");
        var target = new Exit("out");
        engine.Add(old).Add(target);
        var routes = Routes(t => t.From("web").Named("r").To("out"));
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        await engine.ApplyAsync(routes, [new Entry("web")]);

        // Its clients are connected to the old instance only: what they still send must not be turned away.
        (await old.SendAsync("from an old client")).IsAccepted.ShouldBeTrue();
        await Wait.Until(() => target.Received.Count == 1, "target received its event");
        target.Received.ShouldBe(["from an old client"]);
    }

    [Fact]
    public async Task An_invalid_route_set_changes_nothing_and_brings_no_node_in()
    {
        await using var engine = new MediationEngine();
        var old = new Exit("out");
        engine.Add(new Entry("in")).Add(old);
        await engine.StartAsync();

        var fresh = new Exit("out");
        await Should.ThrowAsync<RouteBuildException>(() => engine.ApplyAsync(Routes(t => t.From("in").Named("r").To("nowhere")), [fresh]));

        engine.Find("out").ShouldBeSameAs(old);
        fresh.Started.ShouldBeFalse();
    }

    /// <summary>A node that records what it is sent, and lets the spec publish as its clients or broker would.</summary>
    private abstract class TestNode(string name, string? sendOnStart) : MediationNode(name)
    {
        private readonly ConcurrentQueue<string> _received = new();

        public IReadOnlyList<string> Received => [.. _received];

        public bool Started { get; private set; }

        public bool Stopped { get; private set; }

        public Admission? OnStartAdmission { get; private set; }

        public Admission Send(string text) => Receive(Event.FromText(Name, "events", text));

        public ValueTask<Admission> SendAsync(string text) => ReceiveAsync(Event.FromText(Name, "events", text));

        public override void OnNext(Event value) => _received.Enqueue(value.Text);

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            if (sendOnStart is not null) OnStartAdmission = Send(sendOnStart);
            return base.StartAsync(cancellationToken);
        }

        public override Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            return base.StopAsync(cancellationToken);
        }
    }

    /// <summary>A web entrypoint stand-in.</summary>
    private sealed class Entry(string name) : TestNode(name, null), IEntrypoint;

    /// <summary>A broker endpoint stand-in.</summary>
    private sealed class Exit(string name, string? sendOnStart = null) : TestNode(name, sendOnStart), IEndpoint;
}

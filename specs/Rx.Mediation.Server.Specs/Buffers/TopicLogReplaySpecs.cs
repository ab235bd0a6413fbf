using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reactive.Linq;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Replay;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Buffers;

/// <summary>The replay seam in core: finding the routes between a replayable source and a target, and running private copies of their stages.</summary>
public sealed class TopicLogReplaySpecs
{
    [Fact]
    public async Task A_replay_runs_the_stages_of_every_route_from_the_source_to_the_target_and_reports_how_far_it_read()
    {
        var log = new LogSource("log", Enumerable.Range(0, 10).Select(i => $"m{i}"));
        var target = new RecordingNode("target");
        var other = new RecordingNode("other");
        await using var engine = new MediationEngine();
        engine.Add(log).Add(target).Add(other);
        var routes = new RouteTable();
        routes.From("log").Named("evens").Where(e => int.Parse(e.Text[1..], CultureInfo.InvariantCulture) % 2 == 0).SelectText(t => t.ToUpperInvariant()).To("target");
        routes.From("log").Named("elsewhere").SelectText(t => "other:" + t).To("other");
        routes.FromTopic("log", "none").Named("no-topic").SelectText(t => "never:" + t).To("target");
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();

        RouteReplay.Find(engine, "target", "not a position").ShouldBeNull();
        RouteReplay.Find(engine, "nobody", "log#3").ShouldBeNull("no route joins the source to that target");
        var replay = RouteReplay.Find(engine, "target", "log#3").ShouldNotBeNull();
        replay.Source.ShouldBe(log);
        replay.Routes.Select(r => r.Name).ShouldBe(["evens", "no-topic"], ignoreOrder: true);

        var run = replay.Start(replay.From);
        var emitted = await run.Events.ToList();

        emitted.Select(e => e.Text).ShouldBe(["M4", "M6", "M8"]);
        run.Covered.Offsets["log"].ShouldBe(9, "every replayed event counts as read, the filtered ones too");
        target.Received.ShouldBeEmpty("a replay goes to the resuming client only");
        engine.FindRoute("evens")!.Counters.Emitted.ShouldBe(0);
    }

    [Fact]
    public async Task A_stage_failing_on_a_replayed_event_is_reported_and_the_replay_goes_on()
    {
        var log = new LogSource("log", ["a", "boom", "c"]);
        var target = new RecordingNode("target");
        await using var engine = new MediationEngine();
        engine.Add(log).Add(target);
        var routes = new RouteTable();
        routes.From("log").Named("r").SelectText(t => t == "boom" ? throw new InvalidOperationException("no") : t).To("target");
        await engine.ApplyRoutesAsync(routes);

        var failures = new List<FailureRecord>();
        var replay = RouteReplay.Find(engine, "target", "log#-1")!;
        var emitted = await replay.Start(replay.From, failures.Add).Events.ToList();

        emitted.Select(e => e.Text).ShouldBe(["a", "c"]);
        failures.ShouldHaveSingleItem().Event!.Text.ShouldBe("boom");
        failures[0].Route.ShouldBe("r");
    }

    [Fact]
    public void A_log_says_when_events_after_a_sequence_were_evicted()
    {
        var log = new TopicLog(new TopicLogLimits { EventsPerTopic = 2, Topics = 2 });
        var one = Event.FromText("t", "a", "1");
        var first = log.Append(one);
        log.Append(Event.FromText("t", "a", "2"));
        log.Holds(TopicPattern.Parse("a"), 0).ShouldBeTrue();
        log.Append(Event.FromText("t", "a", "3"));
        log.Holds(TopicPattern.Parse("a"), 0).ShouldBeFalse("event 1 was evicted");
        log.Holds(TopicPattern.Parse("a"), first).ShouldBeTrue();
        log.Holds(TopicPattern.Parse("#"), 0).ShouldBeFalse();
        log.Holds(TopicPattern.Parse("b"), 0).ShouldBeTrue();

        var third = log.Append(Event.FromText("t", "a", "3b"));
        var four = Event.FromText("t", "b", "4");
        var b = log.Append(four);
        log.Append(Event.FromText("t", "c", "5")); // forgets topic a, the stalest
        log.Holds(TopicPattern.Parse("a"), third - 1).ShouldBeFalse("topic a was forgotten with its events");
        log.Holds(TopicPattern.Parse("#"), third - 1).ShouldBeFalse("a forgotten topic may have matched a wildcard");
        log.Holds(TopicPattern.Parse("#"), third).ShouldBeTrue();
        log.Holds(TopicPattern.Parse("b"), 0).ShouldBeTrue("topic b lost nothing");

        log.FindSequence(four.Id).ShouldBe(b);
        log.FindSequence(one.Id).ShouldBeNull();
    }

    /// <summary>A replayable source over a fixed list: one stream named after the node, positions <c>{name}#{offset}</c>.</summary>
    private sealed class LogSource(string name, IEnumerable<string> messages) : MediationNode(name), IReplayableSource
    {
        private readonly List<string> _messages = [.. messages];

        public override void OnNext(Event value) { }

        public bool TryParsePosition(string text, [NotNullWhen(true)] out ReplayPosition? position)
        {
            position = null;
            var hash = text.IndexOf('#');
            if (hash < 0 || text[..hash] != Name || !long.TryParse(text[(hash + 1)..], CultureInfo.InvariantCulture, out var offset)) return false;
            position = new ReplayPosition([new(Name, offset)], new StreamOffset(Name, offset));
            return true;
        }

        public bool TryGetPosition(Event value, [NotNullWhen(true)] out ReplayPosition? position)
        {
            position = null;
            return value.Source == Name && TryParsePosition(value.Id, out position);
        }

        public string FormatPosition(ReplayPosition position) => $"{Name}#{position.Offsets[Name]}";

        public IObservable<Event> ReplayAfter(ReplayPosition after) =>
            Observable.Defer(() => _messages
                .Select((text, offset) => (text, offset))
                .Where(m => m.offset > after.Offsets[Name])
                .Select(m => Event.FromText(Name, "t", m.text).WithId($"{Name}#{m.offset}"))
                .ToObservable());
    }
}

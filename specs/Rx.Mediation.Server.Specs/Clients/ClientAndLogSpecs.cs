using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Clients;

public class ClientAndLogSpecs
{
    private static Event E(string text, string topic = "events", string? clientId = null) => Event.FromText("src", topic, text, clientId: clientId);

    private static IEnumerable<string> Texts(LogPage page) => page.Items.Select(l => l.Event.Text);

    [Fact]
    public void An_event_addressed_to_a_client_goes_to_that_client_alone_else_to_topic_subscribers()
    {
        var registry = new ClientRegistry();
        var alice = new ConnectedClient("alice", [TopicPattern.Parse("events")], new ClientOutbox(10, SlowClientPolicy.DropOldest));
        var bob = new ConnectedClient("bob", [TopicPattern.Parse("#")], new ClientOutbox(10, SlowClientPolicy.DropOldest));
        registry.Add(alice).ShouldNotBeNull();
        registry.Add(bob).ShouldNotBeNull();

        registry.Deliver(E("to-all")).ShouldBe(2);
        registry.Deliver(E("to-bob", clientId: "bob")).ShouldBe(1);
        registry.Deliver(E("other-topic", topic: "x")).ShouldBe(1);

        alice.Outbox.Count.ShouldBe(1);
        bob.Outbox.Count.ShouldBe(3);
    }

    [Fact]
    public void A_duplicate_client_id_is_refused_and_a_departed_client_gets_nothing()
    {
        var registry = new ClientRegistry();
        var client = new ConnectedClient("c", [TopicPattern.All], new ClientOutbox(10, SlowClientPolicy.DropOldest));
        var registration = registry.Add(client)!;
        registry.Add(new ConnectedClient("c", [TopicPattern.All], new ClientOutbox(10, SlowClientPolicy.DropOldest))).ShouldBeNull();

        registration.Dispose();

        registry.Deliver(E("x")).ShouldBe(0);
        registry.Count.ShouldBe(0);
    }

    [Theory]
    [InlineData(SlowClientPolicy.DropOldest, new[] { "b", "c" })]
    [InlineData(SlowClientPolicy.DropNewest, new[] { "a", "b" })]
    public void A_slow_clients_queue_drops_by_its_policy_and_counts_every_drop(SlowClientPolicy policy, string[] kept)
    {
        var dropped = new List<string>();
        var outbox = new ClientOutbox(2, policy, e => dropped.Add(e.Text));
        foreach (var text in new[] { "a", "b", "c" }) outbox.Enqueue(E(text));

        var queued = new List<string>();
        while (outbox.TryRead(out var e)) queued.Add(e.Text);
        queued.ShouldBe(kept);
        outbox.DroppedCount.ShouldBe(1);
        dropped.Count.ShouldBe(1);
    }

    [Fact]
    public void The_disconnect_policy_closes_the_client_with_a_reason()
    {
        var outbox = new ClientOutbox(1, SlowClientPolicy.Disconnect);
        outbox.Enqueue(E("a")).ShouldBeTrue();
        outbox.Enqueue(E("b")).ShouldBeFalse();

        outbox.Closed.IsCancellationRequested.ShouldBeTrue();
        outbox.CloseReason.ShouldNotBeNull().ShouldContain("keep up");
        outbox.DroppedCount.ShouldBe(1);
    }

    [Fact]
    public void The_topic_log_keeps_a_bounded_history_per_topic_under_one_sequence()
    {
        var log = new TopicLog(new TopicLogLimits { EventsPerTopic = 2 });
        log.Append(E("a1", "a"));
        log.Append(E("b1", "b"));
        log.Append(E("a2", "a"));
        log.Append(E("a3", "a"));

        Texts(log.Read(TopicPattern.Parse("a"), 0, 10)).ShouldBe(["a2", "a3"]);
        Texts(log.Read(TopicPattern.All, 0, 10)).ShouldBe(["b1", "a2", "a3"]);
        Texts(log.Read(TopicPattern.All, 3, 10)).ShouldBe(["a3"]);
        Texts(log.Read(TopicPattern.All, 0, 2)).ShouldBe(["b1", "a2"]);
    }

    [Fact]
    public void The_topic_log_finds_events_by_id_or_resume_id_for_resumption()
    {
        var log = new TopicLog();
        var first = E("a");
        var seq = log.Append(first);
        var kafka = Event.Create("kafka", "events", "k"u8.ToArray(), id: "events@0#7").WithHeader(Rx.Mediation.Replay.ResumeIds.Header, "events@0#7,1#3");
        var kafkaSeq = log.Append(kafka);
        log.Append(E("b"));

        log.FindSequence(first.Id).ShouldBe(seq);
        log.FindSequence("events@0#7").ShouldBe(kafkaSeq);
        log.FindSequence("events@0#7,1#3").ShouldBe(kafkaSeq);
        log.FindSequence("unknown").ShouldBeNull();
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_a_matching_event_arrives_or_empty_on_timeout()
    {
        var log = new TopicLog();
        var waiting = log.WaitAfterAsync(TopicPattern.Parse("a"), 0, 10, TimeSpan.FromSeconds(30), CancellationToken.None);
        log.Append(E("not for us", "b"));
        waiting.IsCompleted.ShouldBeFalse();
        log.Append(E("for us", "a"));
        (await waiting).Items.Single().Event.Text.ShouldBe("for us");

        (await log.WaitAfterAsync(TopicPattern.Parse("a"), 10, 10, TimeSpan.FromMilliseconds(20), CancellationToken.None)).Items.ShouldBeEmpty();
    }

    [Fact]
    public void The_topic_log_forgets_the_stalest_topic_past_its_topic_limit()
    {
        var log = new TopicLog(new TopicLogLimits { EventsPerTopic = 4, Topics = 2 });
        log.Append(E("a", "a"));
        log.Append(E("b", "b"));
        log.Append(E("a2", "a")); // a is now fresher than b
        log.Append(E("c", "c"));

        log.Read(TopicPattern.All, 0, 10).Items.Select(l => l.Event.Topic).ShouldBe(["a", "a", "c"]);
    }

    [Fact]
    public void The_in_memory_broker_delivers_by_wildcard_and_stops_after_unsubscribe()
    {
        var broker = new InMemoryBroker();
        var got = new List<string>();
        var subscription = broker.Subscribe("sensors/+/temp", System.Reactive.Observer.Create<Event>(e => got.Add(e.Topic)));

        broker.Publish(E("1", "sensors/a/temp")).ShouldBe(1);
        broker.Publish(E("2", "sensors/a/hum")).ShouldBe(0);
        subscription.Dispose();
        broker.Publish(E("3", "sensors/b/temp")).ShouldBe(0);

        got.ShouldBe(["sensors/a/temp"]);
    }

    [Fact]
    public void Drop_counters_count_by_reason()
    {
        var counters = new DropCounters();
        counters.Increment(DropReason.DropHead);
        counters.Add(DropReason.SlowClient, 3);
        counters.Total.ShouldBe(4);
        counters.ToDictionary().ShouldBe(new Dictionary<string, long> { ["drop-head"] = 1, ["slow-client"] = 3 });
    }
}

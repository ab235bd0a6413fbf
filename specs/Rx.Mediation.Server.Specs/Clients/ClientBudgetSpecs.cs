using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Clients;

public class ClientBudgetSpecs
{
    private static Event Sized(string name, int bytes, string topic = "events") => Event.Create("src", topic, new byte[bytes], EventHeaders.Empty.With("n", name));

    private static List<string> Drain(ClientOutbox outbox)
    {
        var names = new List<string>();
        while (outbox.TryRead(out var value)) names.Add(value.Header("n")!);
        return names;
    }

    [Fact]
    public void A_send_queue_past_its_byte_budget_drops_the_oldest_events_until_the_new_one_fits()
    {
        var dropped = new List<string>();
        var kilobyte = Sized("a", 1024);
        var outbox = new ClientOutbox(100, SlowClientPolicy.DropOldest, e => dropped.Add(e.Header("n")!), maxBytes: 3 * EventFootprint.Of(kilobyte));
        outbox.Enqueue(kilobyte).ShouldBeTrue();
        outbox.Enqueue(Sized("b", 1024)).ShouldBeTrue();
        outbox.Enqueue(Sized("c", 1024)).ShouldBeTrue();

        outbox.Enqueue(Sized("d", 2048)).ShouldBeTrue();

        dropped.ShouldBe(["a", "b"]);
        outbox.DroppedCount.ShouldBe(2);
        outbox.Bytes.ShouldBeLessThanOrEqualTo(3 * EventFootprint.Of(kilobyte));
        Drain(outbox).ShouldBe(["c", "d"]);
        outbox.Bytes.ShouldBe(0);
    }

    [Fact]
    public void A_send_queue_past_its_byte_budget_refuses_the_new_event_under_drop_newest()
    {
        var outbox = new ClientOutbox(100, SlowClientPolicy.DropNewest, maxBytes: 2 * EventFootprint.Of(Sized("a", 1024)));
        outbox.Enqueue(Sized("a", 1024)).ShouldBeTrue();
        outbox.Enqueue(Sized("b", 1024)).ShouldBeTrue();

        outbox.Enqueue(Sized("c", 1024)).ShouldBeFalse();

        outbox.DroppedCount.ShouldBe(1);
        Drain(outbox).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void An_event_larger_than_the_byte_budget_still_reaches_a_client_whose_queue_is_empty()
    {
        var outbox = new ClientOutbox(100, SlowClientPolicy.DropNewest, maxBytes: 1024);

        outbox.Enqueue(Sized("big", 64 * 1024)).ShouldBeTrue();
        outbox.Enqueue(Sized("next", 1)).ShouldBeFalse("the queue is past its budget until the big one is read");

        Drain(outbox).ShouldBe(["big"]);
        outbox.Enqueue(Sized("after", 1)).ShouldBeTrue();
    }

    [Fact]
    public void A_client_whose_filters_overlap_gets_each_event_once()
    {
        var registry = new ClientRegistry();
        var client = new ConnectedClient("c", [TopicPattern.Parse("sensors/a"), TopicPattern.Parse("sensors/+"), TopicPattern.Parse("#")], new ClientOutbox(10, SlowClientPolicy.DropOldest));
        registry.Add(client).ShouldNotBeNull();

        registry.Deliver(Sized("1", 1, "sensors/a")).ShouldBe(1);
        registry.Deliver(Sized("2", 1, "other")).ShouldBe(1);

        Drain(client.Outbox).ShouldBe(["1", "2"]);
    }

    [Fact]
    public void Clients_of_plain_topics_and_of_wildcards_get_what_matches_until_they_leave()
    {
        var registry = new ClientRegistry();
        ConnectedClient Client(string id, params string[] topics) => new(id, topics.Select(TopicPattern.Parse).ToList(), new ClientOutbox(10, SlowClientPolicy.DropOldest));
        var plain = Client("plain", "a", "b");
        var samePlain = Client("same", "a");
        var wildcard = Client("wild", "+");
        var plainRegistration = registry.Add(plain)!;
        registry.Add(samePlain).ShouldNotBeNull();
        var wildcardRegistration = registry.Add(wildcard)!;

        registry.Deliver(Sized("a1", 1, "a")).ShouldBe(3);
        registry.Deliver(Sized("b1", 1, "b")).ShouldBe(2);
        registry.Deliver(Sized("c1", 1, "c/d")).ShouldBe(0);
        plainRegistration.Dispose();
        wildcardRegistration.Dispose();
        registry.Deliver(Sized("a2", 1, "a")).ShouldBe(1);
        registry.Deliver(Sized("b2", 1, "b")).ShouldBe(0);

        Drain(plain.Outbox).ShouldBe(["a1", "b1"]);
        Drain(samePlain.Outbox).ShouldBe(["a1", "a2"]);
        Drain(wildcard.Outbox).ShouldBe(["a1", "b1"]);
    }
}

using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Specs.Buffers;

public class TopicLogBudgetSpecs
{
    private const int KiB = 1024;

    private static Event Sized(string topic, int bytes, string text = "") => Event.Create("src", topic, new byte[bytes], EventHeaders.Empty.With("n", text));

    private static long Cost(Event value) => EventFootprint.Of(value);

    private static IEnumerable<string> Names(LogPage page) => page.Items.Select(i => i.Event.Header("n")!);

    [Fact]
    public void A_topic_past_its_byte_bound_loses_its_oldest_events_and_keeps_the_newest_even_when_larger()
    {
        var evictions = new List<Eviction>();
        var log = new TopicLog(new TopicLogLimits { BytesPerTopic = 3 * (KiB + 400) }, evictions.Add);
        foreach (var name in new[] { "1", "2", "3" }) log.Append(Sized("a", KiB, name));
        log.Append(Sized("b", KiB, "other topic"));

        log.Append(Sized("a", KiB, "4"));
        Names(log.Read(TopicPattern.Parse("a"), 0, 10)).ShouldBe(["2", "3", "4"]);

        log.Append(Sized("a", 10 * KiB, "huge"));
        Names(log.Read(TopicPattern.Parse("a"), 0, 10)).ShouldBe(["huge"]);
        Names(log.Read(TopicPattern.Parse("b"), 0, 10)).ShouldBe(["other topic"], "a busy topic evicts only its own history");
        evictions.Select(e => (e.Item.Event.Header("n"), e.Cause)).ShouldBe([
            ("1", EvictionCause.TopicBytes), ("2", EvictionCause.TopicBytes), ("3", EvictionCause.TopicBytes), ("4", EvictionCause.TopicBytes)]);
    }

    [Fact]
    public void Past_the_total_byte_budget_the_oldest_events_of_any_topic_go_first()
    {
        var evictions = new List<Eviction>();
        var one = Sized("a", KiB, "a1");
        var log = new TopicLog(new TopicLogLimits { Bytes = 3 * Cost(one) + 3 * 200 }, evictions.Add);
        log.Append(one);
        log.Append(Sized("b", KiB, "b1"));
        log.Append(Sized("a", KiB, "a2"));
        log.Append(Sized("c", KiB, "c1"));

        Names(log.Read(TopicPattern.All, 0, 10)).ShouldBe(["b1", "a2", "c1"]);
        evictions.ShouldHaveSingleItem().Cause.ShouldBe(EvictionCause.Bytes);
        log.Usage.Bytes.ShouldBeLessThanOrEqualTo(log.Limits.Bytes);

        log.Append(Sized("c", KiB, "c2"));
        Names(log.Read(TopicPattern.All, 0, 10)).ShouldBe(["a2", "c1", "c2"]);
        log.Usage.Topics.ShouldBe(2, "topic b, left empty, is forgotten");
        log.Holds(TopicPattern.Parse("b"), 0).ShouldBeFalse("b1 was evicted");
    }

    [Fact]
    public void Every_eviction_says_its_cause_and_whether_a_client_had_the_event()
    {
        var evictions = new List<Eviction>();
        var log = new TopicLog(new TopicLogLimits { EventsPerTopic = 1, Topics = 1 }, evictions.Add);
        var delivered = log.Append(Sized("a", 1, "delivered"));
        log.MarkRead(delivered);
        log.Append(Sized("a", 1, "read"));
        log.Read(TopicPattern.Parse("a"), 0, 10);
        log.Append(Sized("a", 1, "nobody had it"));
        log.Append(Sized("b", 1, "new topic"));

        evictions.Select(e => (e.Item.Event.Header("n"), e.Cause, e.Unread)).ShouldBe([
            ("delivered", EvictionCause.TopicEvents, false),
            ("read", EvictionCause.TopicEvents, false),
            ("nobody had it", EvictionCause.Topics, true)]);
    }

    [Fact]
    public void A_read_ends_before_the_event_that_would_pass_its_byte_budget_and_says_where_to_go_on()
    {
        var log = new TopicLog();
        var first = Sized("a", 4 * KiB, "1");
        log.Append(first);
        log.Append(Sized("a", 4 * KiB, "2"));
        log.Append(Sized("a", 4 * KiB, "3"));
        log.Append(Sized("b", 1, "not asked for"));

        var page = log.Read(TopicPattern.Parse("a"), 0, limit: 10, maxBytes: 2 * Cost(first));
        Names(page).ShouldBe(["1", "2"]);
        page.Through.ShouldBe(page.Items[^1].Sequence);

        var rest = log.Read(TopicPattern.Parse("a"), page.Through, limit: 10, maxBytes: 1);
        Names(rest).ShouldBe(["3"], "a page always carries one event");

        var end = log.Read(TopicPattern.Parse("a"), rest.Through, limit: 10);
        end.Items.ShouldBeEmpty();
        end.Through.ShouldBe(log.LastSequence, "nothing matching up to the newest event: the reader may skip ahead");
    }

    [Fact]
    public void A_read_after_events_that_were_evicted_says_there_is_a_gap_on_that_topic_only()
    {
        var log = new TopicLog(new TopicLogLimits { EventsPerTopic = 2 });
        var start = log.Append(Sized("a", 1, "a1"));
        log.Append(Sized("b", 1, "b1"));
        log.Read(TopicPattern.Parse("a"), start, 10).Gap.ShouldBeFalse();

        log.Append(Sized("a", 1, "a2"));
        log.Append(Sized("a", 1, "a3"));
        log.Append(Sized("a", 1, "a4")); // evicts a2, after the reader's position

        var page = log.Read(TopicPattern.Parse("a"), start, 10);
        page.Gap.ShouldBeTrue();
        Names(page).ShouldBe(["a3", "a4"]);
        log.Read(TopicPattern.Parse("b"), 0, 10).Gap.ShouldBeFalse("topic b lost nothing");
        log.Read(TopicPattern.Parse("+"), start, 10).Gap.ShouldBeTrue();
        log.Read(TopicPattern.Parse("a"), page.Through, 10).Gap.ShouldBeFalse("nothing after the page was evicted");
    }

    [Fact]
    public async Task A_read_across_topics_looks_at_a_bounded_number_of_events_and_says_where_it_stopped()
    {
        var log = new TopicLog(new TopicLogLimits { Topics = 100_000 });
        for (var i = 0; i < TopicLog.ScanLimit + 100; i++) log.Append(Sized("noise/" + i, 1));
        var wanted = log.Append(Sized("wanted/x", 1, "wanted"));

        var first = log.Read(TopicPattern.Parse("wanted/#"), 0, 10);
        first.Items.ShouldBeEmpty();
        first.Through.ShouldBe(TopicLog.ScanLimit);
        var second = log.Read(TopicPattern.Parse("wanted/#"), first.Through, 10);
        second.Items.ShouldHaveSingleItem().Sequence.ShouldBe(wanted);

        var waited = await log.WaitAfterAsync(TopicPattern.Parse("wanted/#"), 0, 10, TimeSpan.FromSeconds(30), CancellationToken.None);
        waited.Items.ShouldHaveSingleItem().Sequence.ShouldBe(wanted, "a wait goes on reading where a read stopped");
    }

    [Fact]
    public void Many_distinct_topics_stay_within_the_topic_limit_and_the_byte_budget()
    {
        var evictions = 0;
        var log = new TopicLog(new TopicLogLimits { Topics = 1000, Bytes = 256 * KiB }, _ => evictions++);
        for (var i = 0; i < 50_000; i++) log.Append(Sized("t/" + i, 100));

        var usage = log.Usage;
        usage.Topics.ShouldBeLessThanOrEqualTo(1000);
        usage.Bytes.ShouldBeLessThanOrEqualTo(256 * KiB);
        (usage.Events + evictions).ShouldBe(50_000, "every event is held or reported evicted");
        log.Read(TopicPattern.Parse("t/49999"), 0, 10).Items.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_forgotten_topics_events_stay_gone_when_a_new_topic_takes_its_place()
    {
        var log = new TopicLog(new TopicLogLimits { Topics = 2 });
        var a1 = Sized("a", 1, "a1");
        log.Append(a1);
        log.Append(Sized("a", 1, "a2"));
        log.Append(Sized("b", 1, "b1"));
        log.Append(Sized("c", 1, "c1")); // forgets a
        log.Append(Sized("d", 1, "d1")); // forgets b

        Names(log.Read(TopicPattern.All, 0, 10)).ShouldBe(["c1", "d1"]);
        log.Read(TopicPattern.Parse("a"), 0, 10).Items.ShouldBeEmpty();
        Names(log.Read(TopicPattern.Parse("d"), 0, 10)).ShouldBe(["d1"]);
        log.FindSequence(a1.Id).ShouldBeNull();
        log.Usage.ShouldBe(new TopicLogUsage(2, 2, log.Usage.Bytes));
    }

    [Fact]
    public void A_log_without_an_id_index_refuses_to_look_ids_up()
    {
        var log = new TopicLog(indexIds: false);
        var value = Sized("a", 1);
        log.Append(value);

        Should.Throw<InvalidOperationException>(() => log.FindSequence(value.Id));
        log.Read(TopicPattern.Parse("a"), 0, 10).Items.ShouldHaveSingleItem();
    }

    [Fact]
    public void At_the_topic_limit_a_new_topic_allocates_little_more_than_its_events_id()
    {
        var log = new TopicLog(new TopicLogLimits { Topics = 2_000 });
        var events = Enumerable.Range(0, 4_000).Select(i => Sized("topic/" + i, 0)).ToList();
        foreach (var value in events.Take(2_000)) log.Append(value); // fills the topic limit: from here, each new topic forgets one

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var value in events.Skip(2_000)) log.Append(value);
        var perTopic = (GC.GetAllocatedBytesForCurrentThread() - before) / 2_000;

        // At the topic limit a new topic takes the forgotten one's history: what remains is the event's id and its index entry.
        perTopic.ShouldBeLessThan(256);
    }
}

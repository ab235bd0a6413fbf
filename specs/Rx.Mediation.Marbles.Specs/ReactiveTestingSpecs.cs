using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Rx.Mediation.Marbles.ReactiveTesting;
using static Microsoft.Reactive.Testing.ReactiveTest;

namespace Rx.Mediation.Marbles.Specs;

// In this namespace an unqualified Recorded<T> is the kit's; Microsoft.Reactive.Testing's values come from
// ReactiveTest.OnNext/OnCompleted/OnError/Subscribe and are only held in `var`s.
public class ReactiveTestingSpecs
{
    private static readonly Dictionary<char, int> Numbers = new() { ['a'] = 1, ['b'] = 2 };

    private static long Frames(long count) => MarbleScheduler.Frames(count);

    [Fact]
    public void A_diagram_becomes_the_messages_ReactiveTest_builds_by_hand()
    {
        var messages = ReactiveTestMarbles.Messages("-a-(b|)", Numbers);

        ReactiveAssert.AreElementsEqual([OnNext(10_000, 1), OnNext(30_000, 2), OnCompleted<int>(30_000)], messages);
    }

    [Fact]
    public void A_hot_diagram_gives_values_before_the_caret_negative_times()
    {
        var messages = ReactiveTestMarbles.Messages("a-^-b|");

        ReactiveAssert.AreElementsEqual([OnNext(-20_000, "a"), OnNext(20_000, "b"), OnCompleted<string>(30_000)], messages);
    }

    [Fact]
    public void A_diagram_error_carries_the_given_exception()
    {
        var failure = new InvalidOperationException("broker gone");

        var messages = ReactiveTestMarbles.Messages<int>("--#", error: failure);

        ReactiveAssert.AreElementsEqual([OnError<int>(20_000, failure)], messages);
    }

    [Fact]
    public void Recorded_messages_are_drawn_as_a_diagram()
    {
        var messages = new[] { OnNext(10_000, 1), OnNext(30_000, 2), OnCompleted<int>(30_000) };

        messages.ToMarbles(Numbers).ShouldBe("-a-(b|)");
    }

    [Fact]
    public void Recorded_times_that_are_not_whole_frames_are_drawn_exactly_and_read_back()
    {
        var messages = new[] { OnNext(201, "x"), OnCompleted<string>(Frames(100)) };

        var diagram = messages.ToMarbles();

        diagram.ShouldBe(" 0.0201ms x 98.9799ms |");
        ReactiveAssert.AreElementsEqual(messages, ReactiveTestMarbles.Messages(diagram));
    }

    [Fact]
    public void A_ReactiveTest_predicate_message_cannot_be_drawn_and_says_which_one_it_is()
    {
        var messages = new[] { OnNext(10_000, 1), OnNext<int>(20_000, v => v > 0) };

        var refusal = Should.Throw<ArgumentException>(() => messages.ToMarbles());

        refusal.Message.ShouldContain("Message #2 (at 20000 ticks) was built by ReactiveTest with a predicate");
    }

    [Fact]
    public void Subscription_diagrams_and_ReactiveTest_subscriptions_convert_both_ways()
    {
        ReactiveTestMarbles.Subscription("--^---!").ShouldBe(Subscribe(20_000, 60_000));
        ReactiveTestMarbles.Subscription("--^").ShouldBe(Subscribe(20_000));
        Subscribe(20_000, 60_000).ToMarbles().ShouldBe("--^---!");
        Subscribe(0).ToSubscriptionLog().ShouldBe(new SubscriptionLog(0, null));
        new SubscriptionLog(0, null).ToReactiveTestSubscription().ShouldBe(Subscribe(0));
    }

    [Fact]
    public void The_kits_records_and_ReactiveTest_records_convert_both_ways_with_the_same_ticks()
    {
        var handWritten = new[] { OnNext(20_000, "a"), OnCompleted<string>(30_000) };

        var kit = handWritten.ToMarbleRecorded();

        kit.ShouldBe(MarbleParser.ParseNotifications<string>("--a|"));
        ReactiveAssert.AreElementsEqual(handWritten, kit.ToReactiveTestRecorded());
    }

    [Fact]
    public void A_hot_diagram_on_a_TestScheduler_meets_the_kits_expectation_and_ReactiveAssert()
    {
        var scheduler = new TestScheduler();
        var t = new TestSchedulerMarbleTest(scheduler);
        var source = t.Hot("-x-^-a--b-|", new Dictionary<char, int> { ['x'] = 9, ['a'] = 1, ['b'] = 2 });
        var expectation = t.ExpectObservable(source.Select(v => v * 10));
        expectation.ToBe("--a--b-|", new Dictionary<char, int> { ['a'] = 10, ['b'] = 20 });
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^------!");

        t.Run();

        ReactiveAssert.AreElementsEqual(
            [OnNext(Frames(2), 10), OnNext(Frames(5), 20), OnCompleted<int>(Frames(7))],
            expectation.Actual.ToReactiveTestRecorded());
        ReactiveAssert.AreElementsEqual([Subscribe(0, Frames(7))], source.Subscriptions);
        source.Messages.ToMarbles(Numbers).ShouldBe("--a--b-|");
    }

    [Fact]
    public void A_cold_diagram_on_a_TestScheduler_replays_for_Start_and_meets_ReactiveAssert()
    {
        var scheduler = new TestScheduler();
        var source = new TestSchedulerMarbleTest(scheduler).Cold("-a-b|", Numbers);

        var observer = scheduler.Start(() => source.Select(v => v * 10), created: Frames(1), subscribed: Frames(2), disposed: Frames(10));

        ReactiveAssert.AreElementsEqual([OnNext(Frames(3), 10), OnNext(Frames(5), 20), OnCompleted<int>(Frames(6))], observer.Messages);
        ReactiveAssert.AreElementsEqual([Subscribe(Frames(2), Frames(6))], source.Subscriptions);
        observer.Messages.ToMarbles(new Dictionary<char, int> { ['A'] = 10, ['B'] = 20 }).ShouldBe("---A-B|");
    }

    [Fact]
    public void A_cold_diagram_on_a_TestScheduler_meets_the_kits_expectation_with_the_subscription_drawn_at_time_0()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        var source = t.Cold("--a--b|");
        t.ExpectObservable(source).ToBe("--a--b|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^-----!");

        t.Run();
    }

    [Fact]
    public void Unsubscription_marbles_cut_the_observation_on_a_TestScheduler_at_the_drawn_frame()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        var source = t.Cold("-a-b-c-|");
        t.ExpectObservable(source, "^--!").ToBe("-a");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^--!");

        t.Run();
    }

    [Fact]
    public void Subscribing_and_unsubscribing_at_the_clock_on_a_TestScheduler_sees_nothing_the_source_schedules()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        var source = t.Cold("a|");
        t.ExpectObservable(source, "(^!)").ToBe("");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("(^!)");

        t.Run();
    }

    [Fact]
    public void A_failing_expectation_on_a_TestScheduler_reports_the_kits_diagram_diff()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        t.ExpectObservable(t.Cold("--a--b|")).ToBe("--a---b|");

        var failure = Should.Throw<MarbleAssertionException>(t.Run);

        failure.Message.ShouldContain("expected: --a---b|");
        failure.Message.ShouldContain("actual:   --a--b|");
        failure.Message.ShouldContain("first difference at notification #2: expected 6ms OnNext(b: \"b\") but was 5ms OnNext(b: \"b\")");
    }

    [Fact]
    public void What_the_TestScheduler_schedules_for_now_lands_one_tick_later_and_the_expectation_shows_it()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        var source = t.Cold("a|");
        t.ExpectObservable(source).ToBe("a|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^!");

        var failure = Should.Throw<MarbleAssertionException>(t.Run);

        failure.Message.ShouldContain("expected 0ms OnNext(a: \"a\") but was 0.0001ms OnNext(a: \"a\")");
        failure.Message.ShouldNotContain("Subscriptions did not match");
    }

    [Fact]
    public void On_a_TestScheduler_a_hot_value_at_the_clock_when_created_is_emitted_one_tick_later()
    {
        var t = new TestSchedulerMarbleTest(new TestScheduler());
        t.ExpectObservable(t.Hot("a|")).ToBe(new[] { OnNext(1, "a"), OnCompleted<string>(10_000) }.ToMarbleRecorded());

        t.Run();
    }

    [Fact]
    public void On_a_TestScheduler_a_subscription_at_frame_N_misses_the_hot_value_of_frame_N_unlike_the_kit()
    {
        var onTestScheduler = new TestSchedulerMarbleTest(new TestScheduler());
        onTestScheduler.ExpectObservable(onTestScheduler.Hot("--a-b|"), "--^").ToBe("----b|");
        onTestScheduler.Run();

        var onKit = new MarbleTest();
        onKit.ExpectObservable(onKit.Hot("--a-b|"), "--^").ToBe("--a-b|");
        onKit.Run();
    }

    [Fact]
    public void TestScheduler_Start_defaults_end_inside_the_first_frame_of_a_diagram()
    {
        var scheduler = new TestScheduler();
        var source = new TestSchedulerMarbleTest(scheduler).Cold("-a|");

        var observer = scheduler.Start(() => source);

        observer.Messages.ShouldBeEmpty();
        ReactiveAssert.AreElementsEqual([Subscribe(Subscribed, Disposed)], source.Subscriptions);
    }
}

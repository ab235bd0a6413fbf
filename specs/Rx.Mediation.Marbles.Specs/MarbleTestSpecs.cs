using System.Reactive.Linq;
using System.Reactive.Subjects;
using static Rx.Mediation.Marbles.Specs.N;

namespace Rx.Mediation.Marbles.Specs;

public class MarbleTestSpecs
{
    private static readonly Dictionary<char, int> Numbers = new() { ['a'] = 1, ['b'] = 2, ['c'] = 3 };

    [Fact]
    public void Matching_expectation_passes()
    {
        var t = new MarbleTest();
        var source = t.Cold("--a--b|", Numbers);
        t.ExpectObservable(source.Select(x => x * 10)).ToBe("--a--b|", new Dictionary<char, int> { ['a'] = 10, ['b'] = 20 });
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^-----!");
        t.Run();
    }

    [Fact]
    public void Mismatching_expectation_fails_on_Run()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("--a--b|")).ToBe("--a---b|");
        Should.Throw<MarbleAssertionException>(t.Run);
    }

    [Fact]
    public void Expectations_are_checked_by_Run_not_before()
    {
        var t = new MarbleTest();
        var expectation = t.ExpectObservable(t.Cold("--a|"));
        expectation.ToBe("--b|");
        expectation.Actual.ShouldBeEmpty();
        Should.Throw<MarbleAssertionException>(t.Run);
        expectation.Actual.ShouldBe([Next(2, "a"), Done(3)]);
    }

    [Fact]
    public void Value_mismatch_at_the_right_time_fails()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-a|", Numbers)).ToBe("-a|", new Dictionary<char, int> { ['a'] = 2 });
        Should.Throw<MarbleAssertionException>(t.Run);
    }

    [Fact]
    public void Missing_ToBe_fails()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-a|"));
        Should.Throw<MarbleAssertionException>(t.Run).Message.ShouldContain("never completed with ToBe");
    }

    [Fact]
    public void Unsubscription_marbles_cut_the_observation()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-b-c-|");
        t.ExpectObservable(source, "^---!").ToBe("-a-b");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^---!");
        t.Run();
    }

    [Fact]
    public void A_value_due_in_the_unsubscription_frame_is_not_seen()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-b-c-|");
        t.ExpectObservable(source, "^--!").ToBe("-a");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^--!");
        t.Run();
    }

    [Fact]
    public void Subscribing_and_unsubscribing_in_one_frame_sees_nothing_the_source_schedules()
    {
        var t = new MarbleTest();
        var source = t.Cold("a|");
        t.ExpectObservable(source, "--(^!)").ToBe("");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("--(^!)");
        t.Run();
    }

    [Fact]
    public void Subscription_marbles_can_subscribe_late()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-b|");
        t.ExpectObservable(source, "--^-!").ToBe("---a");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("--^-!");
        t.Run();
    }

    [Fact]
    public void Late_subscription_to_hot_sees_only_later_values()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-a-^-b-c-d-|");
        t.ExpectObservable(hot, "   --^---!").ToBe("   --b-c");
        t.ExpectSubscriptions(hot.Subscriptions).ToBe("--^---!");
        t.Run();
    }

    [Fact]
    public void Events_at_the_unsubscription_frame_are_not_seen()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Hot("--a--b--|"), "^----!").ToBe("--a--");
        t.Run();
    }

    [Fact]
    public void Hot_value_at_frame_zero_is_seen_by_an_expectation_subscribing_at_zero()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Hot("a-b|")).ToBe("a-b|");
        t.Run();
    }

    [Fact]
    public void Expectation_unsubscribes_when_the_observable_terminates()
    {
        var t = new MarbleTest();
        var source = t.Hot("-^-a-|");
        t.ExpectObservable(source).ToBe("--a-|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^---!");
        t.Run();
    }

    [Fact]
    public void Never_terminating_source_keeps_its_subscription_open()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a--");
        t.ExpectObservable(source).ToBe("-a");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^");
        t.Run();
    }

    [Fact]
    public void Subscription_expectation_mismatch_fails()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-|");
        t.ExpectObservable(source).ToBe("-a-|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^----!");
        var ex = Should.Throw<MarbleAssertionException>(t.Run);
        ex.Message.ShouldContain("^----!");
        ex.Message.ShouldContain("^--!");
    }

    [Fact]
    public void Several_subscriptions_compare_regardless_of_order()
    {
        var t = new MarbleTest();
        var source = t.Cold("--|");
        t.ExpectObservable(source.Concat(source)).ToBe("----|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("--^-!", "^-!");
        t.Run();
    }

    [Fact]
    public void No_subscription_expected()
    {
        var t = new MarbleTest();
        var unused = t.Cold("-a|");
        t.ExpectSubscriptions(unused.Subscriptions).ToBe();
        t.Run();

        var t2 = new MarbleTest();
        var used = t2.Cold("-a|");
        t2.ExpectObservable(used).ToBe("-a|");
        t2.ExpectSubscriptions(used.Subscriptions).ToBe();
        Should.Throw<MarbleAssertionException>(t2.Run);
    }

    [Fact]
    public void Default_expected_error_matches_any_error()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-#", error: new InvalidOperationException("boom"))).ToBe("-#");
        t.Run();
    }

    [Fact]
    public void Explicit_expected_error_must_have_same_type_and_message()
    {
        var t = new MarbleTest();
        var source = t.Cold("-#", error: new InvalidOperationException("boom"));
        t.ExpectObservable(source).ToBe("-#", error: new InvalidOperationException("boom"));
        t.Run();

        var wrongMessage = new MarbleTest();
        wrongMessage.ExpectObservable(wrongMessage.Cold("-#", error: new InvalidOperationException("boom")))
            .ToBe("-#", error: new InvalidOperationException("bang"));
        Should.Throw<MarbleAssertionException>(wrongMessage.Run).Message.ShouldContain("bang");

        var wrongType = new MarbleTest();
        wrongType.ExpectObservable(wrongType.Cold("-#", error: new InvalidOperationException("boom")))
            .ToBe("-#", error: new ArgumentException("boom"));
        Should.Throw<MarbleAssertionException>(wrongType.Run).Message.ShouldContain("ArgumentException");
    }

    [Fact]
    public void Custom_MarbleError_message_is_compared()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-#")).ToBe("-#", error: new MarbleError("specific"));
        Should.Throw<MarbleAssertionException>(t.Run);
    }

    [Fact]
    public void Error_instead_of_completion_fails()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-a#")).ToBe("-a|");
        Should.Throw<MarbleAssertionException>(t.Run);
    }

    [Fact]
    public void Custom_comparer_is_used_for_values()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-b|", new Dictionary<char, string> { ['a'] = "x", ['b'] = "Y" });
        var expected = new Dictionary<char, string> { ['a'] = "X", ['b'] = "y" };
        t.ExpectObservable(source, comparer: StringComparer.OrdinalIgnoreCase).ToBe("-a-b|", expected);
        t.Run();

        var strict = new MarbleTest();
        var source2 = strict.Cold("-a-b|", new Dictionary<char, string> { ['a'] = "x", ['b'] = "Y" });
        strict.ExpectObservable(source2).ToBe("-a-b|", expected);
        Should.Throw<MarbleAssertionException>(strict.Run);
    }

    [Fact]
    public void ToBe_accepts_explicit_notifications()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-a 2.5ms |")).ToBe([Next(1, "a"), Done(4.5)]);
        t.Run();
    }

    [Fact]
    public void All_failures_are_reported_together()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("-a|")).ToBe("-x|");
        t.ExpectObservable(t.Cold("-b|")).ToBe("-y|");
        var message = Should.Throw<MarbleAssertionException>(t.Run).Message;
        message.ShouldContain("-x|");
        message.ShouldContain("-y|");
    }

    [Fact]
    public void MaxTime_bounds_never_ending_sources()
    {
        var t = new MarbleTest { MaxTime = TimeSpan.FromMilliseconds(35) };
        var source = Observable.Interval(TimeSpan.FromMilliseconds(10), t.Scheduler).Select(i => (char)('a' + i));
        t.ExpectObservable(source).ToBe("10ms a 9ms b 9ms c");
        t.Run();
        t.Scheduler.Clock.ShouldBe(Ms(35));
    }

    [Fact]
    public void Synchronous_sources_are_recorded_at_the_subscription_time()
    {
        var t = new MarbleTest();
        t.ExpectObservable(Observable.Return("a"), "--^").ToBe("--(a|)");
        t.Run();
    }

    [Fact]
    public void Subjects_driven_by_the_scheduler_can_be_observed()
    {
        var t = new MarbleTest();
        var subject = new Subject<string>();
        t.Scheduler.ScheduleAt(Ms(3), () => subject.OnNext("a"));
        t.Scheduler.ScheduleAt(Ms(4), subject.OnCompleted);
        t.ExpectObservable(subject).ToBe("---a|");
        t.Run();
    }
}

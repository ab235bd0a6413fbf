using System.Reactive;
using static Rx.Mediation.Marbles.Specs.N;

namespace Rx.Mediation.Marbles.Specs;

public class RenderingSpecs
{
    [Theory]
    [InlineData("--a--b|")]
    [InlineData("--(abc)-|")]
    [InlineData("(ab)c")]
    [InlineData("-a-(b|)")]
    [InlineData("a--#")]
    [InlineData("a 99ms b")]
    [InlineData("a 2s b")]
    [InlineData("a 3m |")]
    [InlineData(" 1.5ms a")]
    [InlineData("a-^-b-|")]
    [InlineData("")]
    public void Render_round_trips_canonical_diagrams(string marbles)
    {
        MarbleDiagram.Render(Parse(marbles)).ShouldBe(marbles);
    }

    [Fact]
    public void Render_compresses_long_gaps_and_keeps_short_ones_as_dashes()
    {
        MarbleDiagram.Render([Next(0, "a"), Next(100, "b")]).ShouldBe("a 99ms b");
        MarbleDiagram.Render([Next(0, "a"), Next(21, "b")]).ShouldBe("a" + new string('-', 20) + "b");
    }

    [Fact]
    public void Render_uses_reverse_lookup_in_the_values_map()
    {
        var values = new Dictionary<char, int> { ['x'] = 10, ['y'] = 20 };
        MarbleDiagram.Render([Next(1, 20), Next(2, 10), Done<int>(3)], values).ShouldBe("-yx|");
    }

    [Fact]
    public void Render_reverse_lookup_honours_the_comparer()
    {
        var values = new Dictionary<char, string> { ['x'] = "hello" };
        MarbleDiagram.Render([Next(0, "HELLO")], values, StringComparer.OrdinalIgnoreCase).ShouldBe("x");
        MarbleDiagram.Render([Next(0, "HELLO")], values).ShouldBe("?");
    }

    [Fact]
    public void Render_writes_unknown_values_as_a_placeholder()
    {
        MarbleDiagram.Render([Next(0, 42), Next(1, 7)]).ShouldBe("??");
        MarbleDiagram.Render([Next(0, "long")]).ShouldBe("?");
        MarbleDiagram.Render([Next(0, "-")]).ShouldBe("?");
    }

    [Fact]
    public void Render_subscriptions()
    {
        MarbleDiagram.Render(new SubscriptionLog(Ms(2), Ms(6))).ShouldBe("--^---!");
        MarbleDiagram.Render(new SubscriptionLog(Ms(1), null)).ShouldBe("-^");
        MarbleDiagram.Render(new SubscriptionLog(Ms(1), Ms(1))).ShouldBe("-(^!)");
        MarbleDiagram.Render(new SubscriptionLog(0, Ms(100))).ShouldBe("^ 99ms !");
    }

    [Fact]
    public void Describe_lists_time_kind_and_value()
    {
        var text = MarbleDiagram.Describe([Next(2, "a"), Fail(3.5, new InvalidOperationException("boom")), Done(4)]);
        text.ShouldContain("2ms  OnNext(a: \"a\")");
        text.ShouldContain("3.5ms  OnError(InvalidOperationException: boom)");
        text.ShouldContain("4ms  OnCompleted");
    }

    [Fact]
    public void FormatTime_prints_milliseconds()
    {
        MarbleDiagram.FormatTime(Ms(5)).ShouldBe("5ms");
        MarbleDiagram.FormatTime(Ms(1.5)).ShouldBe("1.5ms");
        MarbleDiagram.FormatTime(Ms(-2)).ShouldBe("-2ms");
    }
}

public class FailureMessageSpecs
{
    private static string FailureOf(Action<MarbleTest> arrange)
    {
        var t = new MarbleTest();
        arrange(t);
        return Should.Throw<MarbleAssertionException>(t.Run).Message;
    }

    private static string[] Lines(string message) => message.Split(Environment.NewLine);

    [Fact]
    public void Prints_expected_and_actual_diagrams_one_above_the_other()
    {
        var message = FailureOf(t => t.ExpectObservable(t.Cold("--a---b|")).ToBe("--a--b|"));
        var lines = Lines(message);
        var expected = Array.FindIndex(lines, l => l.StartsWith("expected: ", StringComparison.Ordinal));
        lines[expected].ShouldBe("expected: --a--b|");
        lines[expected + 1].ShouldBe("actual:   --a---b|");
    }

    [Fact]
    public void Pads_groups_so_that_frames_stay_aligned()
    {
        var message = FailureOf(t => t.ExpectObservable(t.Cold("-a---c|")).ToBe("-(ab)c|"));
        message.ShouldContain("expected: -(ab)c|" + Environment.NewLine + "actual:   -a---c|");
    }

    [Fact]
    public void Compresses_long_idle_gaps_as_time_progressions()
    {
        var message = FailureOf(t => t.ExpectObservable(t.Cold("101ms a")).ToBe("100ms a"));
        message.ShouldContain("expected:  100ms a" + Environment.NewLine + "actual:    100ms -a");
    }

    [Fact]
    public void Renders_values_with_their_letters_from_the_values_map()
    {
        var values = new Dictionary<char, int> { ['a'] = 1, ['b'] = 2 };
        var message = FailureOf(t => t.ExpectObservable(t.Cold("-b|", values)).ToBe("-a|", values));
        message.ShouldContain("expected: -a|" + Environment.NewLine + "actual:   -b|");
        message.ShouldContain("OnNext(b: 2)");
    }

    [Fact]
    public void Lists_values_without_a_letter_in_a_legend()
    {
        var values = new Dictionary<char, int> { ['a'] = 1 };
        var message = FailureOf(t => t.ExpectObservable(t.Cold("-a|", new Dictionary<char, int> { ['a'] = 42 })).ToBe("-a|", values));
        message.ShouldContain("actual:   -?|");
        message.ShouldContain("legend");
        message.ShouldContain("actual   1ms: 42");
    }

    [Fact]
    public void Includes_the_first_difference_and_raw_notification_lists()
    {
        var message = FailureOf(t => t.ExpectObservable(t.Cold("-a-#")).ToBe("-a-|"));
        message.ShouldContain("first difference at notification #2");
        message.ShouldContain("expected notifications:");
        message.ShouldContain("actual notifications:");
        message.ShouldContain("3ms  OnCompleted");
        message.ShouldContain("3ms  OnError(MarbleError: error)");
    }

    [Fact]
    public void Shows_error_details_when_diagrams_look_identical()
    {
        var message = FailureOf(t =>
            t.ExpectObservable(t.Cold("-#", error: new InvalidOperationException("boom")))
                .ToBe("-#", error: new InvalidOperationException("bang")));
        message.ShouldContain("expected: -#" + Environment.NewLine + "actual:   -#");
        message.ShouldContain("OnError(InvalidOperationException: boom)");
        message.ShouldContain("OnError(InvalidOperationException: bang)");
    }

    [Fact]
    public void Falls_back_to_independent_diagrams_when_frames_cannot_be_aligned()
    {
        var message = FailureOf(t => t.ExpectObservable(t.Cold("-a-b|")).ToBe("-(ab)|"));
        message.ShouldContain("expected: -(ab)|");
        message.ShouldContain("actual:   -a-b|");
        message.ShouldContain("could not be aligned");
    }

    [Fact]
    public void MarbleAssert_Equal_throws_with_the_same_format()
    {
        var ex = Should.Throw<MarbleAssertionException>(() =>
            MarbleAssert.Equal(Parse("-a|"), Parse("--a|")));
        ex.Message.ShouldContain("expected: -a|" + Environment.NewLine + "actual:   --a|");
        Should.NotThrow(() => MarbleAssert.Equal(Parse("-a|"), Parse("-a|")));
    }

    [Fact]
    public void MarbleAssert_ErrorMatches_rules()
    {
        var actual = new InvalidOperationException("boom");
        MarbleAssert.ErrorMatches(null, actual).ShouldBeTrue();
        MarbleAssert.ErrorMatches(new MarbleError(), actual).ShouldBeTrue();
        MarbleAssert.ErrorMatches(new MarbleError("boom"), actual).ShouldBeFalse();
        MarbleAssert.ErrorMatches(new InvalidOperationException("boom"), actual).ShouldBeTrue();
        MarbleAssert.ErrorMatches(new InvalidOperationException("bang"), actual).ShouldBeFalse();
        MarbleAssert.ErrorMatches(new ArgumentException("boom"), actual).ShouldBeFalse();
    }
}

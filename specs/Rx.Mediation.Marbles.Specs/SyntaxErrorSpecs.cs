namespace Rx.Mediation.Marbles.Specs;

public class SyntaxErrorSpecs
{
    private static MarbleSyntaxException Fails(Action parse) => Should.Throw<MarbleSyntaxException>(parse);

    private static MarbleSyntaxException FailsToParse(string marbles) =>
        Fails(() => MarbleParser.ParseNotifications<string>(marbles));

    [Theory]
    [InlineData("--(ab", 3, "never closed")]
    [InlineData("--ab)", 5, "without a matching")]
    [InlineData("(a(b))", 3, "nested")]
    [InlineData("-^-^-", 4, "second subscription point")]
    [InlineData("-(^a)", 3, "inside a group")]
    [InlineData("--|a", 4, "after the observable terminated")]
    [InlineData("--#-a", 5, "after the observable terminated")]
    [InlineData("--||", 4, "after the observable terminated")]
    [InlineData("-|-#", 4, "after the observable terminated")]
    [InlineData("(|a)", 3, "after the observable terminated")]
    [InlineData("-a-!", 4, "only allowed in subscription diagrams")]
    [InlineData("(a 1ms b)", 4, "time progression inside a group")]
    public void Malformed_observable_diagrams_report_reason_and_column(string marbles, int column, string reason)
    {
        var ex = FailsToParse(marbles);
        ex.Column.ShouldBe(column);
        ex.Marbles.ShouldBe(marbles);
        ex.Reason.ShouldContain(reason);
        ex.Message.ShouldContain(marbles);
        ex.Message.ShouldContain($"column {column}");
    }

    [Fact]
    public void Message_points_a_caret_at_the_offending_column()
    {
        var ex = FailsToParse("--|a");
        var lines = ex.Message.Split(Environment.NewLine);
        lines[1].ShouldBe("  --|a");
        lines[2].ShouldBe("     ^");
    }

    [Fact]
    public void Caret_in_a_cold_observable_is_an_error()
    {
        var t = new MarbleTest();
        var ex = Fails(() => t.Cold("-^-a|"));
        ex.Column.ShouldBe(2);
        ex.Reason.ShouldContain("only allowed in hot");
    }

    [Fact]
    public void Caret_in_an_expected_diagram_is_an_error()
    {
        var t = new MarbleTest();
        Fails(() => t.ExpectObservable(t.Cold("a|")).ToBe("^a|")).Column.ShouldBe(1);
    }

    [Fact]
    public void Value_missing_from_the_map_is_an_error()
    {
        var values = new Dictionary<char, int> { ['a'] = 1 };
        var ex = Fails(() => MarbleParser.ParseNotifications("-a-b", values));
        ex.Column.ShouldBe(4);
        ex.Reason.ShouldContain("'b' is not in the values map");
    }

    [Fact]
    public void Value_without_a_map_for_a_non_string_type_is_an_error()
    {
        var ex = Fails(() => MarbleParser.ParseNotifications<int>("-1"));
        ex.Column.ShouldBe(2);
        ex.Reason.ShouldContain("needs a values map");
    }

    [Fact]
    public void Completion_and_error_may_be_followed_by_dashes_and_time()
    {
        Should.NotThrow(() => MarbleParser.ParseNotifications<string>("-a|--- 10ms -"));
    }

    [Theory]
    [InlineData("-^-^", 4, "second subscription point")]
    [InlineData("^-!-!", 5, "second unsubscription point")]
    [InlineData("-!-^", 4, "after the unsubscription point")]
    [InlineData("^-a-!", 3, "only '-', '^', '!'")]
    [InlineData("^-|", 3, "only '-', '^', '!'")]
    [InlineData("(^-!", 1, "never closed")]
    [InlineData("(^(!))", 3, "nested")]
    public void Malformed_subscription_diagrams_report_reason_and_column(string marbles, int column, string reason)
    {
        var ex = Fails(() => MarbleParser.ParseSubscription(marbles));
        ex.Column.ShouldBe(column);
        ex.Reason.ShouldContain(reason);
    }

    [Theory]
    [InlineData("--a|", 3)]
    [InlineData("--", 0)]
    [InlineData("-|-|", 4)]
    public void Malformed_time_diagrams_are_errors(string marbles, int column)
    {
        Fails(() => MarbleTest.Time(marbles)).Column.ShouldBe(column);
    }
}

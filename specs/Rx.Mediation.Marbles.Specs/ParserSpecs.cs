using System.Reactive;
using static Rx.Mediation.Marbles.Specs.N;

namespace Rx.Mediation.Marbles.Specs;

public class ParserSpecs
{
    [Fact]
    public void Each_dash_is_one_frame_of_one_millisecond()
    {
        Parse("---a").ShouldBe([Next(3, "a")]);
        MarbleScheduler.Frame.ShouldBe(TimeSpan.TicksPerMillisecond);
    }

    [Fact]
    public void Every_non_space_character_advances_one_frame()
    {
        Parse("ab-c|").ShouldBe([Next(0, "a"), Next(1, "b"), Next(3, "c"), Done(4)]);
    }

    [Fact]
    public void Empty_and_dash_only_diagrams_have_no_notifications()
    {
        Parse("").ShouldBeEmpty();
        Parse("-----").ShouldBeEmpty();
    }

    [Fact]
    public void Values_are_looked_up_in_the_map()
    {
        var values = new Dictionary<char, int> { ['a'] = 1, ['b'] = 2 };
        MarbleParser.ParseNotifications("-a-b", values).ShouldBe([Next(1, 1), Next(3, 2)]);
    }

    [Fact]
    public void Without_a_map_string_values_are_the_character()
    {
        Parse("-x7").ShouldBe([Next(1, "x"), Next(2, "7")]);
    }

    [Fact]
    public void Without_a_map_char_and_object_values_are_supported()
    {
        MarbleParser.ParseNotifications<char>("a").ShouldBe([Next(0, 'a')]);
        MarbleParser.ParseNotifications<object>("a").Single().Value.Value.ShouldBe("a");
    }

    [Fact]
    public void Pipe_is_completion()
    {
        Parse("--|").ShouldBe([Done(2)]);
    }

    [Fact]
    public void Hash_is_an_error_with_the_supplied_error()
    {
        var error = new InvalidOperationException("boom");
        var n = MarbleParser.ParseNotifications<string>("-#", error: error).Single();
        n.Time.ShouldBe(Ms(1));
        n.Value.Kind.ShouldBe(NotificationKind.OnError);
        n.Value.Exception.ShouldBeSameAs(error);
    }

    [Fact]
    public void Hash_defaults_to_a_MarbleError()
    {
        var n = Parse("#").Single();
        n.Value.Exception.ShouldBeOfType<MarbleError>().Message.ShouldBe("error");
    }

    [Fact]
    public void Group_emits_everything_at_its_start_frame_and_advances_by_its_width()
    {
        Parse("--(abc)-|").ShouldBe([Next(2, "a"), Next(2, "b"), Next(2, "c"), Done(8)]);
    }

    [Fact]
    public void Group_at_start()
    {
        Parse("(ab)c").ShouldBe([Next(0, "a"), Next(0, "b"), Next(4, "c")]);
    }

    [Fact]
    public void Group_at_end_with_completion()
    {
        Parse("-a-(b|)").ShouldBe([Next(1, "a"), Next(3, "b"), Done(3)]);
    }

    [Fact]
    public void Empty_group_advances_two_frames()
    {
        Parse("()a").ShouldBe([Next(2, "a")]);
    }

    [Fact]
    public void Caret_is_time_zero_and_earlier_events_have_negative_times()
    {
        Parse("a-^-b-|").ShouldBe([Next(-2, "a"), Next(2, "b"), Done(4)]);
    }

    [Fact]
    public void Caret_at_start_is_time_zero()
    {
        Parse("^a").ShouldBe([Next(1, "a")]);
    }

    [Fact]
    public void Spaces_are_ignored()
    {
        Parse("  -a -  b |").ShouldBe([Next(1, "a"), Next(3, "b"), Done(4)]);
    }

    [Fact]
    public void Leading_spaces_do_not_shift_the_caret()
    {
        Parse("     --^-a").ShouldBe([Next(2, "a")]);
    }

    [Fact]
    public void Time_progression_in_milliseconds()
    {
        Parse("a 9ms b").ShouldBe([Next(0, "a"), Next(10, "b")]);
    }

    [Fact]
    public void Time_progression_in_seconds_and_minutes()
    {
        Parse("1s a").ShouldBe([Next(1000, "a")]);
        Parse("2m a").ShouldBe([Next(120_000, "a")]);
    }

    [Fact]
    public void Time_progression_can_be_fractional()
    {
        Parse("1.5ms a").ShouldBe([Next(1.5, "a")]);
        Parse("0.5s a").ShouldBe([Next(500, "a")]);
    }

    [Fact]
    public void Time_progression_at_the_end_of_the_diagram_is_allowed()
    {
        Parse("a 5ms").ShouldBe([Next(0, "a")]);
        Parse("a 5ms |").ShouldBe([Next(0, "a"), Done(6)]);
    }

    [Fact]
    public void Time_progression_adjacent_to_values_is_not_a_progression()
    {
        // RxJS rule: a progression must be delimited by spaces; otherwise each char is a value.
        Parse("a10ms").ShouldBe([Next(0, "a"), Next(1, "1"), Next(2, "0"), Next(3, "m"), Next(4, "s")]);
        Parse("10msa").Select(n => n.Value.Value).ShouldBe(["1", "0", "m", "s", "a"]);
    }

    [Fact]
    public void Time_progressions_combine_with_frames_and_groups()
    {
        Parse("-a 1s (bc) 2ms |").ShouldBe([Next(1, "a"), Next(1002, "b"), Next(1002, "c"), Done(1008)]);
    }

    [Fact]
    public void Time_progression_before_caret_shifts_negative_times()
    {
        Parse("a 9ms ^ b").ShouldBe([Next(-10, "a"), Next(1, "b")]);
    }

    [Fact]
    public void Time_is_the_position_of_the_pipe()
    {
        MarbleTest.Time("---|").ShouldBe(TimeSpan.FromMilliseconds(3));
        MarbleTest.Time("  1s |").ShouldBe(TimeSpan.FromSeconds(1));
    }
}

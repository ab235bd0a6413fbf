using System.Reactive.Linq;

namespace Rx.Mediation.Marbles.Specs;

/// <summary>Ordinary Rx operators running on the <see cref="MarbleScheduler"/>, tested with marbles.</summary>
public class OperatorSpecs
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Throttle_emits_the_last_value_after_a_quiet_period()
    {
        var t = new MarbleTest();
        var source = t.Cold("a-b-c----d---|");
        t.ExpectObservable(source.Throttle(Ms(3), t.Scheduler)).ToBe("-------c----d|");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^------------!");
        t.Run();
    }

    [Fact]
    public void Buffer_by_time_groups_values_per_window()
    {
        var t = new MarbleTest();
        var source = t.Hot("a-b-c-d-e---|");
        var windows = new Dictionary<char, string> { ['x'] = "abc", ['y'] = "de", ['z'] = "" };
        t.ExpectObservable(source.Buffer(Ms(5), t.Scheduler).Select(b => string.Concat(b)))
            .ToBe("-----x----y-(z|)", windows);
        t.Run();
    }

    [Fact]
    public void Buffer_results_compared_with_a_sequence_comparer()
    {
        var t = new MarbleTest();
        var source = t.Cold("a-b-c|", new Dictionary<char, int> { ['a'] = 1, ['b'] = 2, ['c'] = 3 });
        var lists = new Dictionary<char, IList<int>> { ['x'] = [1, 2], ['y'] = [3] };
        t.ExpectObservable(source.Buffer(Ms(3), t.Scheduler), comparer: new SequenceComparer<int>())
            .ToBe("---x-(y|)", lists);
        t.Run();
    }

    [Fact]
    public void Delay_shifts_every_notification()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a-b|");
        t.ExpectObservable(source.Delay(Ms(2), t.Scheduler)).ToBe("---a-b|");
        t.Run();
    }

    [Fact]
    public void Delay_by_seconds_uses_time_progression()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("a|").Delay(TimeSpan.FromSeconds(1.5), t.Scheduler)).ToBe("1.5s a|");
        t.Run();
    }

    [Fact]
    public void Merge_interleaves_hot_and_cold()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-a---b-|");
        var cold = t.Cold("--c-d|");
        t.ExpectObservable(hot.Merge(cold)).ToBe("-ac-db-|");
        t.ExpectSubscriptions(hot.Subscriptions).ToBe("^------!");
        t.ExpectSubscriptions(cold.Subscriptions).ToBe("^----!");
        t.Run();
    }

    [Fact]
    public void Merge_of_simultaneous_values_is_a_group()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("--a|").Merge(t.Cold("--b---|"))).ToBe("--(ab)|");
        t.Run();
    }

    [Fact]
    public void Group_with_completion_when_everything_is_simultaneous()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("--(a|)").Merge(t.Cold("--(b|)"))).ToBe("--(ab|)");
        t.Run();
    }

    [Fact]
    public void SelectMany_subscribes_inner_cold_observables_per_outer_value()
    {
        var t = new MarbleTest();
        var outer = t.Hot("-a---b---|");
        var inner = t.Cold("-x-y|");
        t.ExpectObservable(outer.SelectMany(_ => inner)).ToBe("--x-y-x-y|");
        t.ExpectSubscriptions(inner.Subscriptions).ToBe("-^---!", "-----^---!");
        t.Run();
    }

    [Fact]
    public void Switch_unsubscribes_the_previous_inner()
    {
        var t = new MarbleTest();
        var outer = t.Hot("-a--b------|");
        var inner = t.Cold("--x--y|");
        t.ExpectObservable(outer.Select(_ => inner).Switch()).ToBe("---x--x--y-|");
        t.ExpectSubscriptions(inner.Subscriptions).ToBe("-^--!", "----^-----!");
        t.Run();
    }

    [Fact]
    public void Sample_takes_the_latest_value_per_period()
    {
        var t = new MarbleTest();
        var source = t.Hot("ab-c---d-----|");
        t.ExpectObservable(source.Sample(Ms(4), t.Scheduler)).ToBe("----c---d-------|"); // Rx.NET completes at the next sample tick
        t.Run();
    }

    [Fact]
    public void Timer_emits_after_the_due_time()
    {
        var t = new MarbleTest();
        t.ExpectObservable(Observable.Timer(Ms(3), t.Scheduler).Select(_ => "a")).ToBe("---(a|)");
        t.Run();
    }

    [Fact]
    public void Timeout_errors_in_virtual_time()
    {
        var t = new MarbleTest();
        var source = t.Cold("-a------b|");
        t.ExpectObservable(source.Timeout(Ms(3), t.Scheduler)).ToBe("-a--#", error: new TimeoutException(new TimeoutException().Message));
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^---!");
        t.Run();
    }

    [Fact]
    public void Take_unsubscribes_from_the_source_early()
    {
        var t = new MarbleTest();
        var source = t.Hot("-a-b-c-d-|");
        t.ExpectObservable(source.Take(2)).ToBe("-a-(b|)");
        t.ExpectSubscriptions(source.Subscriptions).ToBe("^--!");
        t.Run();
    }

    [Fact]
    public void Long_virtual_durations_run_instantly()
    {
        var t = new MarbleTest();
        t.ExpectObservable(t.Cold("a|").Delay(TimeSpan.FromMinutes(10), t.Scheduler)).ToBe("10m a|");
        t.Run();
        t.Scheduler.Elapsed.ShouldBe(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
    }

    private sealed class SequenceComparer<T> : IEqualityComparer<IList<T>>
    {
        public bool Equals(IList<T>? x, IList<T>? y) => x is null ? y is null : y is not null && x.SequenceEqual(y);

        public int GetHashCode(IList<T> obj) => obj.Count;
    }
}

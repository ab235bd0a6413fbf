using System.Reactive;
using System.Reactive.Linq;
using static Rx.Mediation.Marbles.Specs.N;

namespace Rx.Mediation.Marbles.Specs;

public class ObservableSpecs
{
    private static List<Recorded<Notification<T>>> Record<T>(MarbleScheduler scheduler, IObservable<T> source, long subscribeAt, long? disposeAt = null)
    {
        var recorded = new List<Recorded<Notification<T>>>();
        IDisposable? subscription = null;
        scheduler.ScheduleAt(subscribeAt, () => subscription = source.Materialize().Subscribe(n => recorded.Add(new(scheduler.Clock, n))));
        if (disposeAt is { } d)
            scheduler.ScheduleAt(d, () => subscription!.Dispose());
        return recorded;
    }

    [Fact]
    public void Cold_replays_relative_to_each_subscription()
    {
        var t = new MarbleTest();
        var cold = t.Cold("-a-|");
        var first = Record(t.Scheduler, cold, 0);
        var second = Record(t.Scheduler, cold, Ms(5));
        t.Scheduler.Start();

        first.ShouldBe([Next(1, "a"), Done(3)]);
        second.ShouldBe([Next(6, "a"), Done(8)]);
    }

    [Fact]
    public void Cold_records_subscriptions_in_absolute_time_including_unsubscription_on_completion()
    {
        var t = new MarbleTest();
        var cold = t.Cold("-a-|");
        Record(t.Scheduler, cold, Ms(2), Ms(4));
        Record(t.Scheduler, cold, Ms(3));
        t.Scheduler.Start();

        cold.Subscriptions.ShouldBe([new SubscriptionLog(Ms(2), Ms(4)), new SubscriptionLog(Ms(3), Ms(6))]);
    }

    [Fact]
    public void Cold_subscription_stays_open_while_nobody_unsubscribes()
    {
        var t = new MarbleTest();
        var cold = t.Cold("-a-|");
        cold.Subscribe(_ => { });
        t.Scheduler.Start();

        cold.Subscriptions.ShouldBe([new SubscriptionLog(0, null)]);
    }

    [Fact]
    public void Cold_stops_emitting_after_unsubscription()
    {
        var t = new MarbleTest();
        var cold = t.Cold("-a-b-|");
        var seen = Record(t.Scheduler, cold, 0, Ms(2));
        t.Scheduler.Start();

        seen.ShouldBe([Next(1, "a")]);
    }

    [Fact]
    public void Hot_emits_at_absolute_times_and_late_subscribers_miss_earlier_events()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-a-b-c-|");
        var early = Record(t.Scheduler, hot, 0);
        var late = Record(t.Scheduler, hot, Ms(2));
        t.Scheduler.Start();

        early.ShouldBe([Next(1, "a"), Next(3, "b"), Next(5, "c"), Done(7)]);
        late.ShouldBe([Next(3, "b"), Next(5, "c"), Done(7)]);
    }

    [Fact]
    public void Hot_events_before_the_caret_are_not_seen()
    {
        var t = new MarbleTest();
        var hot = t.Hot("a-b-^-c-|");
        var seen = Record(t.Scheduler, hot, 0);
        t.Scheduler.Start();

        seen.ShouldBe([Next(2, "c"), Done(4)]);
        hot.Messages.First().Time.ShouldBe(Ms(-4));
    }

    [Fact]
    public void Subscriber_at_a_frame_sees_the_hot_value_at_that_frame()
    {
        var t = new MarbleTest();
        var hot = t.Hot("a-b-|");
        var atZero = Record(t.Scheduler, hot, 0);
        var atTwo = Record(t.Scheduler, hot, Ms(2));
        t.Scheduler.Start();

        atZero.ShouldBe([Next(0, "a"), Next(2, "b"), Done(4)]);
        atTwo.ShouldBe([Next(2, "b"), Done(4)]);
    }

    [Fact]
    public void Hot_records_subscriptions()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-^-a-b-|");
        Record(t.Scheduler, hot, Ms(1), Ms(3));
        t.Scheduler.Start();

        hot.Subscriptions.ShouldBe([new SubscriptionLog(Ms(1), Ms(3))]);
    }

    [Fact]
    public void Hot_is_shared_between_subscribers()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-a|");
        var one = Record(t.Scheduler, hot, 0);
        var two = Record(t.Scheduler, hot, 0);
        t.Scheduler.Start();

        one.ShouldBe(two);
        hot.Subscriptions.Count.ShouldBe(2);
    }

    [Fact]
    public void Hot_subscriber_that_unsubscribes_during_an_emission_does_not_receive_it()
    {
        var t = new MarbleTest();
        var hot = t.Hot("-a-b");
        var received = new List<string>();
        IDisposable? second = null;
        hot.Subscribe(_ => second!.Dispose());
        second = hot.Subscribe(received.Add);
        t.Scheduler.Start();

        received.ShouldBeEmpty();
    }

    [Fact]
    public void Cold_with_negative_times_is_rejected()
    {
        Should.Throw<ArgumentException>(() => new ColdObservable<string>(new MarbleScheduler(), [Next(-1, "a")]));
    }
}

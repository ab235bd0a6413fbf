using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;

namespace Rx.Mediation.Connectors.Specs.Sending;

public sealed class SendPipelineSpecs
{
    private readonly EndpointCounters _counters = new();
    private readonly ConcurrentQueue<string?> _problems = new();

    private SendPipeline<string> Pipeline(IBrokerSender<string> broker, SendPipelineOptions? options = null) =>
        new("broker", options ?? Options(), broker, _counters, NullLogger.Instance, _problems.Enqueue);

    private static SendPipelineOptions Options() => new()
    {
        Kind = "Scripted",
        OutboundCapacity = 100,
        MaxInFlight = 10,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        RefusalRetries = 2,
    };

    private static Event Message(string payload, string topic = "t") => Event.Create("route", topic, System.Text.Encoding.UTF8.GetBytes(payload));

    [Fact]
    public async Task Events_are_sent_in_queue_order_and_each_acknowledgement_is_counted()
    {
        var broker = new ScriptedBroker().Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        for (var i = 0; i < 50; i++) pipeline.Enqueue(Message($"m{i}")).ShouldBeTrue();

        await Until.TrueAsync(() => _counters.Acknowledged == 50, "all 50 are acknowledged");
        broker.Attempts.ShouldBe(Enumerable.Range(0, 50).Select(i => $"m{i}"));
        _counters.Published.ShouldBe(50);
        _counters.Failed.ShouldBe(0);
        _counters.Retried.ShouldBe(0);
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_send_the_connection_lost_is_sent_again_however_often_until_acknowledged()
    {
        var broker = new ScriptedBroker { Answer = (_, attempt) => ValueTask.FromResult(attempt <= 12 ? SendResult.Interrupted("connection reset") : SendResult.Acknowledged) }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("m"));

        await Until.TrueAsync(() => _counters.Acknowledged == 1, "the event is acknowledged on the 13th attempt");
        broker.AttemptsPerMessage["m"].ShouldBe(13, "a lost connection is not a refusal: no limit applies");
        _counters.Retried.ShouldBe(12);
        _counters.Failed.ShouldBe(0);
        _problems.ShouldBeEmpty("a lost connection is the connection's health, not a publishing problem");
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_refusal_is_retried_the_configured_number_of_times_then_the_event_fails_and_health_says_why()
    {
        var broker = new ScriptedBroker { Answer = (_, _) => ValueTask.FromResult(SendResult.Refused("nacked")) }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("m"));

        await Until.TrueAsync(() => _counters.Failed == 1, "the event fails");
        broker.AttemptsPerMessage["m"].ShouldBe(3, "RefusalRetries = 2: the first attempt and two more");
        _counters.Retried.ShouldBe(2);
        _counters.Acknowledged.ShouldBe(0);
        _problems.ShouldContain("publishing refused, retrying: nacked");
        _problems.Last().ShouldBe("publishing failed: nacked (refused 3 times)");
        pipeline.InFlight.ShouldBe(0, "a failed event leaves the window");
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_acknowledgement_after_a_refusal_clears_the_reported_problem()
    {
        var broker = new ScriptedBroker { Answer = (_, attempt) => ValueTask.FromResult(attempt == 1 ? SendResult.Refused("nacked") : SendResult.Acknowledged) }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("m"));

        await Until.TrueAsync(() => _counters.Acknowledged == 1, "the second attempt is acknowledged");
        _problems.ShouldBe(["publishing refused, retrying: nacked", null]);
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_rejection_fails_the_event_at_once_and_later_events_still_go()
    {
        var broker = new ScriptedBroker { Answer = (m, _) => ValueTask.FromResult(m == "unroutable" ? SendResult.Rejected("returned by the broker") : SendResult.Acknowledged) }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("unroutable"));
        pipeline.Enqueue(Message("fine"));

        await Until.TrueAsync(() => _counters.Failed == 1 && _counters.Acknowledged == 1, "one fails, the other is acknowledged");
        broker.AttemptsPerMessage["unroutable"].ShouldBe(1);
        _counters.Retried.ShouldBe(0);
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_event_the_connector_cannot_map_fails_without_a_send()
    {
        var broker = new ScriptedBroker().Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("x", topic: "bad/topic"));
        pipeline.Enqueue(Message("y"));

        await Until.TrueAsync(() => _counters.Failed == 1 && _counters.Acknowledged == 1, "the unmappable one fails, the next is sent");
        broker.Attempts.ShouldBe(["y"]);
        _counters.Published.ShouldBe(1, "published counts what was handed to the broker");
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_attempt_with_no_answer_within_the_timeout_is_sent_again()
    {
        // The first attempt answers only when cancelled: only the timeout can end it.
        var broker = new ScriptedBroker().Connected();
        var pipeline = Pipeline(HangingFirstAttempt(broker), Options() with { AttemptTimeout = TimeSpan.FromMilliseconds(50) });
        pipeline.Start();
        pipeline.Enqueue(Message("m"));

        await Until.TrueAsync(() => _counters.Acknowledged == 1, "the second attempt is acknowledged");
        broker.AttemptsPerMessage["m"].ShouldBe(2);
        _counters.Retried.ShouldBe(1);
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task No_more_than_MaxInFlight_await_an_answer_and_a_broker_limit_lowers_it()
    {
        var answers = new ConcurrentDictionary<string, TaskCompletionSource<SendResult>>();
        var broker = new ScriptedBroker { Answer = (m, _) => new(answers.GetOrAdd(m, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task) }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.LimitInFlight(4);
        pipeline.Start();
        for (var i = 0; i < 20; i++) pipeline.Enqueue(Message($"m{i}"));

        await Until.TrueAsync(() => broker.Attempts.Count == 4, "four are sent");
        pipeline.InFlight.ShouldBe(4);
        pipeline.Queued.ShouldBe(16, "the rest wait in the queue, where the routes feel them");
        pipeline.Pressure.Pending.ShouldBe(16);

        answers["m0"].SetResult(SendResult.Acknowledged);
        await Until.TrueAsync(() => broker.Attempts.Count == 5, "one answer lets one more go");
        pipeline.LimitInFlight(int.MaxValue);
        await Until.TrueAsync(() => broker.Attempts.Count == 11, "raising the limit goes up to MaxInFlight (10), no further");
        pipeline.InFlight.ShouldBe(10);

        foreach (var i in Enumerable.Range(1, 19)) answers.GetOrAdd($"m{i}", _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(SendResult.Acknowledged);
        await Until.TrueAsync(() => _counters.Acknowledged == 20, "all are acknowledged");
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task While_the_broker_is_away_events_stay_in_the_queue_and_are_sent_once_it_is_back()
    {
        var broker = new ScriptedBroker();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        for (var i = 0; i < 5; i++) pipeline.Enqueue(Message($"m{i}"));
        await Until.TrueAsync(() => pipeline.Queued == 5, "all five are queued");
        broker.Attempts.ShouldBeEmpty();
        pipeline.InFlight.ShouldBe(0, "nothing is taken from the queue without a connection");

        broker.Connected();
        await Until.TrueAsync(() => _counters.Acknowledged == 5, "all five are acknowledged once connected");
        await pipeline.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_full_queue_drops_the_event_and_counts_it()
    {
        var broker = new ScriptedBroker();
        var pipeline = Pipeline(broker, Options() with { OutboundCapacity = 3 });
        pipeline.Start();
        for (var i = 0; i < 3; i++) pipeline.Enqueue(Message($"m{i}")).ShouldBeTrue();

        pipeline.Enqueue(Message("one too many")).ShouldBeFalse();
        _counters.Dropped.ShouldBe(1);
        await pipeline.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task Stopping_without_a_broker_counts_every_queued_event_as_failed_and_releases_the_routes()
    {
        var broker = new ScriptedBroker();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        for (var i = 0; i < 7; i++) pipeline.Enqueue(Message($"m{i}"));

        await pipeline.StopAsync(TimeSpan.FromMilliseconds(50));
        _counters.Failed.ShouldBe(7);
        pipeline.Pressure.Pending.ShouldBe(0, "no route keeps waiting for room in a stopped endpoint");
        pipeline.Enqueue(Message("late")).ShouldBeFalse("a stopped endpoint takes nothing");
        _counters.Dropped.ShouldBe(1);
    }

    [Fact]
    public async Task Stopping_waits_for_sends_in_flight_and_counts_those_still_unanswered_at_the_deadline_as_failed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var broker = new ScriptedBroker
        {
            Answer = async (m, _) =>
            {
                if (m == "slow") await release.Task;
                return SendResult.Acknowledged;
            },
        }.Connected();
        var pipeline = Pipeline(broker);
        pipeline.Start();
        pipeline.Enqueue(Message("slow"));
        await Until.TrueAsync(() => pipeline.InFlight == 1, "the slow one is in flight");

        var stopping = pipeline.StopAsync(TimeSpan.FromSeconds(30));
        stopping.IsCompleted.ShouldBeFalse("stopping waits for the answer");
        release.SetResult();
        await stopping;
        _counters.Acknowledged.ShouldBe(1);
        _counters.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task A_send_that_never_answers_is_cancelled_at_the_stop_deadline_and_counted_as_failed()
    {
        var pipeline = new SendPipeline<string>("broker", Options(), new Hanging(new ScriptedBroker().Connected(), attempts: int.MaxValue), _counters, NullLogger.Instance);
        pipeline.Start();
        pipeline.Enqueue(Message("never"));
        await Until.TrueAsync(() => pipeline.InFlight == 1, "it is in flight");

        await pipeline.StopAsync(TimeSpan.FromMilliseconds(50));
        _counters.Failed.ShouldBe(1);
        _counters.Acknowledged.ShouldBe(0);
        pipeline.InFlight.ShouldBe(0);
    }

    private static Hanging HangingFirstAttempt(ScriptedBroker inner) => new(inner, attempts: 1);

    /// <summary>The first <paramref name="attempts"/> sends end only when cancelled, as a real client's do when the connection hangs.</summary>
    private sealed class Hanging(ScriptedBroker inner, int attempts) : IBrokerSender<string>
    {
        private int _made;

        public bool TryPrepare(Event value, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string message, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem) =>
            inner.TryPrepare(value, out message, out problem);

        public ValueTask WhenReadyAsync(CancellationToken cancellationToken) => inner.WhenReadyAsync(cancellationToken);

        public async ValueTask<SendResult> SendAsync(string message, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _made) <= attempts)
            {
                inner.Attempts.Enqueue(message);
                inner.AttemptsPerMessage.AddOrUpdate(message, 1, (_, n) => n + 1);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return await inner.SendAsync(message, cancellationToken);
        }
    }
}

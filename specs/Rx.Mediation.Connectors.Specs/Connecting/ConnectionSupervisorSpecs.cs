using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Connectors.Connecting;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Connectors.Specs.Connecting;

/// <summary>
/// The shared connection lifecycle, driven by a scripted connect call (the connectors' specs stop and start real
/// brokers under the same supervisor; this pins down the health and backoff rules one answer at a time).
/// </summary>
public sealed class ConnectionSupervisorSpecs
{
    private readonly EndpointCounters _counters = new();
    private readonly ConcurrentQueue<(NodeHealth Health, string? Detail)> _health = new();
    // Each connect attempt takes its answer from here: a lost-signal to return, or an exception to throw.
    private readonly Channel<Func<Task<string>>> _answers = Channel.CreateUnbounded<Func<Task<string>>>();
    private int _attempts;

    private ConnectionSupervisor Supervisor(TimeSpan? outage = null) => new("broker", new ConnectionSupervisorOptions
    {
        Kind = "Scripted",
        Target = "broker.example:5672",
        InitialDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(4),
        OutageBeforeUnhealthy = outage ?? TimeSpan.FromMinutes(1),
    }, _counters, (health, detail) => _health.Enqueue((health, detail)), NullLogger.Instance);

    private async Task<Task<string>> ConnectAsync(CancellationToken stop)
    {
        Interlocked.Increment(ref _attempts);
        var answer = await _answers.Reader.ReadAsync(stop);
        return answer();
    }

    private void Fails(string why) => _answers.Writer.TryWrite(() => throw new IOException(why));

    private TaskCompletionSource<string> Connects()
    {
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers.Writer.TryWrite(() => lost.Task);
        return lost;
    }

    [Fact]
    public async Task An_endpoint_that_never_connected_is_unhealthy_with_the_reason_and_its_first_attempt_is_known()
    {
        var supervisor = Supervisor();
        using var stop = new CancellationTokenSource();
        Fails("connection refused");
        var running = supervisor.RunAsync(ConnectAsync, ex => ex.Message, stop.Token);

        await supervisor.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(10));
        _health.ShouldContain((NodeHealth.Unhealthy, "cannot connect to broker.example:5672: connection refused"));
        supervisor.EverConnected.ShouldBeFalse();
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_lost_connection_is_degraded_with_its_reason_then_reconnected_and_counted()
    {
        var supervisor = Supervisor();
        using var stop = new CancellationTokenSource();
        var first = Connects();
        var running = supervisor.RunAsync(ConnectAsync, ex => ex.Message, stop.Token);
        await supervisor.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(10));

        Fails("connection refused");
        Connects();
        first.SetResult("broker restarting");
        await Until.TrueAsync(() => _counters.Reconnects == 1, "the reconnect is counted");
        _health.ShouldContain((NodeHealth.Degraded, "reconnecting to broker.example:5672: the connection was lost (broker restarting)"));
        _health.ShouldContain((NodeHealth.Degraded, "reconnecting to broker.example:5672 (attempt 1): connection refused"),
            "a failed attempt soon after a loss is a broker restart, not yet a broken endpoint");
        _health.ShouldNotContain(h => h.Health == NodeHealth.Unhealthy);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task An_outage_longer_than_the_bound_turns_unhealthy()
    {
        var supervisor = Supervisor(outage: TimeSpan.Zero);
        using var stop = new CancellationTokenSource();
        var first = Connects();
        var running = supervisor.RunAsync(ConnectAsync, ex => ex.Message, stop.Token);
        await supervisor.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(10));

        Fails("connection refused");
        first.SetResult("broker gone");
        await Until.TrueAsync(() => _health.Any(h => h.Health == NodeHealth.Unhealthy), "the endpoint turns unhealthy");
        _health.Last().ShouldBe((NodeHealth.Unhealthy, "cannot connect to broker.example:5672: connection refused"));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_refusal_by_the_broker_is_shown_in_its_own_words()
    {
        var supervisor = Supervisor();
        using var stop = new CancellationTokenSource();
        _answers.Writer.TryWrite(() => throw new ConnectionRefusedException("the broker refused the connection: not authorized"));
        var running = supervisor.RunAsync(ConnectAsync, _ => "describe is not asked for refusals", stop.Token);

        await supervisor.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(10));
        _health.ShouldContain((NodeHealth.Unhealthy, "cannot connect to broker.example:5672: the broker refused the connection: not authorized"));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task It_keeps_trying_until_stopped_and_stopping_ends_it_while_connected()
    {
        var supervisor = Supervisor();
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 5; i++) Fails("connection refused");
        Connects();
        var running = supervisor.RunAsync(ConnectAsync, ex => ex.Message, stop.Token);

        await Until.TrueAsync(() => supervisor.EverConnected, "the sixth attempt connects");
        Volatile.Read(ref _attempts).ShouldBe(6);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_wait_between_attempts_doubles_up_to_the_maximum()
    {
        var supervisor = new ConnectionSupervisor("broker", new ConnectionSupervisorOptions
        {
            Kind = "Scripted", Target = "t", InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10),
        }, _counters, (_, _) => { }, NullLogger.Instance);

        Enumerable.Range(0, 7).Select(supervisor.Backoff).ShouldBe(
            [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)]);
    }
}

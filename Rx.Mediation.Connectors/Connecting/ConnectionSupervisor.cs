using Microsoft.Extensions.Logging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Connectors.Connecting;

/// <summary>
/// The connection lifecycle every broker connector shares: connect, keep the connection until it ends, connect again
/// with backoff, and say what is going on. Health: Healthy while connected; Degraded while a connection that was up is
/// being re-established (for up to <see cref="ConnectionSupervisorOptions.OutageBeforeUnhealthy"/>); Unhealthy when
/// the endpoint never connected or the outage lasts longer, always with the reason (<c>cannot connect to …: …</c>).
/// Reconnects are counted; a failure is logged when its reason changes, not on every attempt.
/// </summary>
public sealed class ConnectionSupervisor
{
    private readonly string _endpoint;
    private readonly ConnectionSupervisorOptions _options;
    private readonly EndpointCounters _counters;
    private readonly Action<NodeHealth, string?> _setHealth;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="setHealth">The endpoint's health; <see cref="NodeHealth.Healthy"/> is the connector's to set when its connect callback is done, so it can wait for subscriptions.</param>
    public ConnectionSupervisor(string endpoint, ConnectionSupervisorOptions options, EndpointCounters counters, Action<NodeHealth, string?> setHealth, ILogger logger)
    {
        _endpoint = endpoint;
        _options = options;
        _counters = counters;
        _setHealth = setHealth;
        _logger = logger;
    }

    /// <summary>Completes after the first connection attempt, whichever way it went: a start can wait for a reachable broker without hanging on a missing one.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public bool EverConnected { get; private set; }

    /// <summary>
    /// Runs until <paramref name="stop"/>. <paramref name="connect"/> opens a connection (and whatever the connector
    /// sets up on it) and returns a task that completes, with the reason, when that connection ends; it throws when it
    /// cannot connect, and <paramref name="describe"/> says why in words a health check can show.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<Task<string>>> connect, Func<Exception, string> describe, CancellationToken stop)
    {
        var failures = 0;
        var lostAt = DateTime.MinValue;
        string? lastProblem = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lost = await connect(stop).ConfigureAwait(false);
                if (EverConnected)
                {
                    _counters.CountReconnect();
                    _logger.LogInformation("{Kind} endpoint '{Endpoint}': reconnected to {Target}", _options.Kind, _endpoint, _options.Target);
                }
                else
                {
                    _logger.LogInformation("{Kind} endpoint '{Endpoint}': connected to {Target}", _options.Kind, _endpoint, _options.Target);
                }
                EverConnected = true;
                failures = 0;
                lastProblem = null;
                _firstAttempt.TrySetResult();
                var reason = await lost.WaitAsync(stop).ConfigureAwait(false);
                lostAt = DateTime.UtcNow;
                var detail = $"reconnecting to {_options.Target}: the connection was lost ({reason})";
                _setHealth(NodeHealth.Degraded, detail);
                _logger.LogWarning("{Kind} endpoint '{Endpoint}': {Detail}", _options.Kind, _endpoint, detail);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever an attempt throws is a reason to report and try again, never the end of the endpoint.
                failures++;
                var problem = ex is ConnectionRefusedException ? ex.Message : describe(ex);
                var outage = EverConnected && DateTime.UtcNow - lostAt < _options.OutageBeforeUnhealthy;
                if (outage) _setHealth(NodeHealth.Degraded, $"reconnecting to {_options.Target} (attempt {failures}): {problem}");
                else _setHealth(NodeHealth.Unhealthy, $"cannot connect to {_options.Target}: {problem}");
                if (problem != lastProblem)
                {
                    _logger.Log(outage ? LogLevel.Warning : LogLevel.Error, "{Kind} endpoint '{Endpoint}': cannot connect to {Target}: {Problem}; retrying every {MaxDelay} at most",
                        _options.Kind, _endpoint, _options.Target, problem, _options.MaxDelay);
                }
                lastProblem = problem;
                _firstAttempt.TrySetResult();
            }
            try
            {
                await Task.Delay(Backoff(failures), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The initial delay after a lost connection, doubled per failed attempt, at most the maximum, at least 1 ms.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 16));
        var delay = TimeSpan.FromMilliseconds(Math.Min(_options.InitialDelay.TotalMilliseconds * factor, _options.MaxDelay.TotalMilliseconds));
        return delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay;
    }
}

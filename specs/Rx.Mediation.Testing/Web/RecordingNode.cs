using System.Collections.Concurrent;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Testing;

/// <summary>A target that records what routes send it; optionally blocks them until released (or held again), to fill a bridge.</summary>
/// <param name="perEvent">Time each event takes, to stand for a slow broker (so bridges hold events at shutdown).</param>
public sealed class RecordingNode(string name, bool blocked = false, NodeHealth health = NodeHealth.Healthy, string? detail = null, TimeSpan perEvent = default) : MediationNode(name), IEndpoint
{
    private readonly ManualResetEventSlim _gate = new(!blocked);
    private readonly ConcurrentQueue<Event> _received = new();

    public IReadOnlyList<Event> Received => [.. _received];

    public int Count => _received.Count;

    public void Release() => _gate.Set();

    /// <summary>Blocks the routes again, from their next event, until <see cref="Release"/>.</summary>
    public void Hold() => _gate.Reset();

    public override void OnNext(Event value)
    {
        // Bounded, so a forgotten Release cannot hang the run.
        _gate.Wait(TimeSpan.FromSeconds(30));
        if (perEvent > TimeSpan.Zero) Thread.Sleep(perEvent);
        _received.Enqueue(value);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(health, detail);
        return Task.CompletedTask;
    }
}

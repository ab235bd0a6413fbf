using Rx.Mediation.Events;

namespace Rx.Mediation.Replay;

/// <summary>
/// One replay of a source through the route stages to one target (see <see cref="RouteReplay.Start"/>): the events
/// the routes emit, and how far the source was read. Subscribe to <see cref="Events"/> once.
/// </summary>
public sealed class ReplayRun
{
    private ReplayPosition _covered;

    internal ReplayRun(ReplayPosition from, Func<ReplayRun, IObservable<Event>> build)
    {
        _covered = from;
        From = from;
        Events = build(this);
    }

    public ReplayPosition From { get; }

    /// <summary>What the routes emitted for the replayed events; completes once the replay reached the end it saw.</summary>
    public IObservable<Event> Events { get; }

    /// <summary>
    /// How far the source was read, before any stage: once <see cref="Events"/> completed, every stream up to the end
    /// the replay saw, including events the stages filtered out.
    /// </summary>
    public ReplayPosition Covered => Volatile.Read(ref _covered);

    internal void Read(ReplayPosition position) => Volatile.Write(ref _covered, Covered.Merge(position));
}

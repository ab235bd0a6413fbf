using Rx.Mediation.Events;

namespace Rx.Mediation.Replay;

/// <summary>
/// Where one resuming client's replay meets its live stream. Every event of the replayable source headed to that
/// client passes <see cref="TryAdmit"/>: one at or before the client's position in its stream (a Kafka partition) is a
/// duplicate and is dropped, any other advances the position. Within a stream offsets only grow, so the client sees
/// each event once, in stream order, whether it came from the replay or live. The resume id it is given is the whole
/// position, so its next reconnect resumes every stream it covered. Not thread-safe: one client's writer uses it.
/// </summary>
public sealed class ReplaySeam
{
    public ReplaySeam(IReplayableSource source, ReplayPosition start)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Position = start ?? throw new ArgumentNullException(nameof(start));
    }

    public IReplayableSource Source { get; }

    /// <summary>What the client has covered so far, per stream.</summary>
    public ReplayPosition Position { get; private set; }

    /// <summary>Events dropped because the client already had them.</summary>
    public long Duplicates { get; private set; }

    /// <summary>
    /// False when the client already has <paramref name="value"/>. Otherwise true, with the id to give the client for it:
    /// the advanced position for an event of the source, the event's own resume id for any other event.
    /// </summary>
    public bool TryAdmit(Event value, out string resumeId)
    {
        if (!Source.TryGetPosition(value, out var position) || position.At is not { } at)
        {
            resumeId = ResumeIds.Of(value);
            return true;
        }
        if (Position.Covers(at))
        {
            Duplicates++;
            resumeId = "";
            return false;
        }
        Position = Position.Merge(position);
        resumeId = Source.FormatPosition(Position);
        return true;
    }

    /// <summary>
    /// Marks everything up to <paramref name="covered"/> as had, e.g. what a completed replay read (events the route
    /// filtered out included): their live copies are duplicates too.
    /// </summary>
    public void Cover(ReplayPosition covered) => Position = Position.Merge(covered).WithAt(Position.At);
}

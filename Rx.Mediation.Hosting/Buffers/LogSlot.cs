using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// One event a <see cref="TopicLog"/> holds, stored by value in its topic's ring: a held event costs no object of its
/// own, so the garbage collector has that much less to trace however many events and topics are held.
/// </summary>
internal struct LogSlot(long sequence, Event value, long bytes, HashedText id, bool hasResumeId)
{
    public readonly long Sequence = sequence;

    public readonly Event Event = value;

    public readonly long Bytes = bytes;

    /// <summary>The event's id as indexed (default when the log keeps no index), so its entry is removed without reading the event again.</summary>
    public readonly HashedText Id = id;

    /// <summary>The event also has a resume id in the index (<see cref="Replay.ResumeIds"/>).</summary>
    public readonly bool HasResumeId = hasResumeId;

    /// <summary>Some client had it: a read returned it, or it was delivered live.</summary>
    public bool Read;

    public readonly LoggedEvent Logged => new(Sequence, Event);
}

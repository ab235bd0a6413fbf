namespace Rx.Mediation.Replay;

/// <summary>
/// One event's place in one ordered stream of a replayable source: for Kafka the stream is a topic partition
/// (<c>orders@0</c>) and the offset the message's offset. Offsets only grow along a stream.
/// </summary>
public readonly record struct StreamOffset(string Stream, long Offset)
{
    public override string ToString() => $"{Stream}#{Offset}";
}

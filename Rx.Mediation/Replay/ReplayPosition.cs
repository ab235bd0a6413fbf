using System.Globalization;
using System.Text;

namespace Rx.Mediation.Replay;

/// <summary>
/// How far a client got in a replayable source: for each of the source's ordered streams (Kafka: each topic partition),
/// the offset of the last event it has covered. Resuming replays every stream after its offset; a stream the position
/// does not name is not replayed. <see cref="At"/> is the stream offset of the event the position was taken from (the
/// last event the client received), if any. Immutable.
/// </summary>
public sealed class ReplayPosition
{
    // Never changed after construction: positions are values, shared freely across threads.
    private readonly Dictionary<string, long> _offsets;

    public ReplayPosition(IEnumerable<KeyValuePair<string, long>> offsets, StreamOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (stream, offset) in offsets) merged[stream] = merged.TryGetValue(stream, out var known) ? Math.Max(known, offset) : offset;
        if (at is { } own) merged[own.Stream] = merged.TryGetValue(own.Stream, out var known) ? Math.Max(known, own.Offset) : own.Offset;
        _offsets = merged;
        At = at;
    }

    public static ReplayPosition Empty { get; } = new([]);

    /// <summary>Stream → offset of the last event covered in it.</summary>
    public IReadOnlyDictionary<string, long> Offsets => _offsets;

    /// <summary>The event this position was taken from: its stream and offset (also in <see cref="Offsets"/>).</summary>
    public StreamOffset? At { get; }

    public bool IsEmpty => _offsets.Count == 0;

    /// <summary>Whether an event at <paramref name="value"/> is already covered (at or before this position in its stream).</summary>
    public bool Covers(StreamOffset value) => _offsets.TryGetValue(value.Stream, out var last) && value.Offset <= last;

    /// <summary>The later of both positions in every stream; <see cref="At"/> is <paramref name="other"/>'s when it has one.</summary>
    public ReplayPosition Merge(ReplayPosition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty && other.At is null) return this;
        return new ReplayPosition(_offsets.Concat(other._offsets), other.At ?? At);
    }

    /// <summary>The same offsets, taken from another event.</summary>
    public ReplayPosition WithAt(StreamOffset? at) => new(_offsets, at);

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (stream, offset) in _offsets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (text.Length > 0) text.Append(',');
            text.Append(stream).Append('#').Append(offset.ToString(CultureInfo.InvariantCulture));
        }
        return At is { } at ? $"{text} (at {at})" : text.ToString();
    }
}

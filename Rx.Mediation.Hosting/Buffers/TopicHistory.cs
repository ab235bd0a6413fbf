namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// The held events of one topic, oldest first. A topic holding one event keeps it in a field (most topics of a stream
/// with a topic per event never hold more); past that, a ring that grows as the topic fills and shrinks again as it
/// empties. Events leave only from the oldest end and sequences only grow, so a sequence this history was given is
/// still held exactly when it is not older than the oldest held (<see cref="Holds"/>), even after the history, emptied,
/// was given to another topic (<see cref="Rename"/>). Also a link in the log's list of topics by last write.
/// </summary>
internal sealed class TopicHistory
{
    private const int SmallestRing = 4;

    private LogSlot _only;
    private LogSlot[]? _ring;
    private int _start;
    private int _count;

    /// <param name="cost">What the topic itself costs in the log's byte budget.</param>
    public TopicHistory(HashedText name, long cost) => Rename(name, cost);

    public string Name => Key.Text;

    /// <summary>The name as the log's dictionary holds it.</summary>
    public HashedText Key { get; private set; }

    /// <summary>What the topic itself costs in the log's byte budget.</summary>
    public long Cost { get; private set; }

    public int Count => _count;

    /// <summary>Bytes of the held events.</summary>
    public long Bytes { get; private set; }

    /// <summary>The sequence of the newest event evicted from this topic (0: none).</summary>
    public long EvictedThrough { get; set; }

    public TopicHistory? Staler { get; set; }

    public TopicHistory? Fresher { get; set; }

    /// <summary>The read that last matched this topic against its filters, and what it found (see <see cref="TopicLog"/>).</summary>
    public long MatchedBy { get; set; }

    public bool Matched { get; set; }

    /// <summary>The held event at <paramref name="index"/>, oldest first.</summary>
    public ref LogSlot this[int index] => ref _ring is null ? ref _only : ref _ring[(_start + index) % _ring.Length];

    /// <summary>Whether <paramref name="sequence"/>, one this topic was given, is still held.</summary>
    public bool Holds(long sequence) => _count > 0 && this[0].Sequence <= sequence;

    /// <summary>Makes this emptied history another topic's.</summary>
    public void Rename(HashedText name, long cost)
    {
        if (_count != 0) throw new InvalidOperationException($"topic '{Name}' still holds {_count} events");
        Key = name;
        Cost = cost;
        EvictedThrough = 0;
        MatchedBy = 0;
        Matched = false;
    }

    public void Add(in LogSlot slot)
    {
        if (_ring is null && _count == 1)
        {
            _ring = new LogSlot[SmallestRing];
            _ring[0] = _only;
            _only = default;
            _start = 0;
        }
        else if (_ring is not null && _count == _ring.Length)
        {
            Resize(_ring.Length * 2);
        }
        if (_ring is null) _only = slot;
        else _ring[(_start + _count) % _ring.Length] = slot;
        _count++;
        Bytes += slot.Bytes;
    }

    public LogSlot RemoveOldest()
    {
        ref var oldest = ref this[0];
        var removed = oldest;
        oldest = default;
        _count--;
        Bytes -= removed.Bytes;
        if (_ring is not null)
        {
            _start = (_start + 1) % _ring.Length;
            if (_count < _ring.Length / 4 && _ring.Length > SmallestRing) Resize(_ring.Length / 2);
        }
        return removed;
    }

    /// <summary>The index of the first event with a sequence above <paramref name="sequence"/> (<see cref="Count"/> when none).</summary>
    public int FirstAfter(long sequence)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (this[middle].Sequence <= sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private void Resize(int size)
    {
        var ring = new LogSlot[Math.Max(size, SmallestRing)];
        for (var i = 0; i < _count; i++) ring[i] = this[i];
        _ring = ring;
        _start = 0;
    }
}

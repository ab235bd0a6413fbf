namespace Rx.Mediation.Buffers;

/// <summary>
/// The held events of one topic, oldest first, in a ring that starts small and grows as the topic fills (a new topic
/// costs a few bytes, not a full ring), shrinking again when most of it has gone. Also a link in the log's list of
/// topics by last write, so the stalest one is found at once.
/// </summary>
internal sealed class TopicHistory(string name)
{
    private const int SmallestRing = 2;

    private LogEntry[] _items = new LogEntry[SmallestRing];
    private int _start;
    private int _count;

    public string Name { get; } = name;

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

    public LogEntry Oldest => _items[_start];

    public LogEntry Newest => this[_count - 1];

    public LogEntry this[int index] => _items[(_start + index) % _items.Length];

    public void Add(LogEntry entry)
    {
        if (_count == _items.Length) Resize(_items.Length * 2);
        _items[(_start + _count) % _items.Length] = entry;
        _count++;
        Bytes += entry.Bytes;
    }

    public LogEntry RemoveOldest()
    {
        var oldest = _items[_start];
        _items[_start] = null!;
        _start = (_start + 1) % _items.Length;
        _count--;
        Bytes -= oldest.Bytes;
        if (_count < _items.Length / 4 && _items.Length > SmallestRing) Resize(_items.Length / 2);
        return oldest;
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
        var items = new LogEntry[Math.Max(size, SmallestRing)];
        for (var i = 0; i < _count; i++) items[i] = this[i];
        _items = items;
        _start = 0;
    }
}

namespace Rx.Mediation.Buffers;

/// <summary>
/// Every event a <see cref="TopicLog"/> holds, by sequence, in one array: the oldest of all is at hand when the total
/// budget evicts, and a reader across topics finds where to start by binary search. An event evicted from the middle
/// (its topic was full) is only marked; the marks are swept out when the array would otherwise grow, so each event
/// costs O(1) amortised to add and to remove.
/// </summary>
internal sealed class SequenceOrder
{
    private const int SmallestArray = 16;

    private LogEntry?[] _items = new LogEntry?[SmallestArray];
    private int _head;
    private int _end;
    private int _evicted; // marked evicted, between _head and _end

    /// <summary>Position just past the newest entry: positions from <see cref="FirstAfter"/> run up to it.</summary>
    public int End => _end;

    public LogEntry? Oldest => _head < _end ? _items[_head] : null;

    /// <summary>The entry at a position from <see cref="FirstAfter"/>; it may be marked evicted.</summary>
    public LogEntry At(int position) => _items[position]!;

    public void Add(LogEntry entry)
    {
        if (_end == _items.Length) MakeRoom();
        _items[_end++] = entry;
    }

    /// <summary>Called once an entry is marked <see cref="LogEntry.Evicted"/>.</summary>
    public void Evicted()
    {
        _evicted++;
        while (_head < _end && _items[_head]!.Evicted)
        {
            _items[_head++] = null;
            _evicted--;
        }
    }

    /// <summary>The position of the first entry with a sequence above <paramref name="sequence"/> (<see cref="End"/> when none).</summary>
    public int FirstAfter(long sequence)
    {
        int low = _head, high = _end;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_items[middle]!.Sequence <= sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>The held entry with this sequence, if any.</summary>
    public LogEntry? Find(long sequence)
    {
        var position = FirstAfter(sequence - 1);
        return position < _end && _items[position] is { Evicted: false } entry && entry.Sequence == sequence ? entry : null;
    }

    private void MakeRoom()
    {
        var live = _end - _head - _evicted;
        // Mostly marks or free room at the front: sweep into an array twice the live size; else grow.
        var size = live * 2 <= _items.Length ? Math.Max(SmallestArray, live * 2) : _items.Length * 2;
        var items = size == _items.Length ? _items : new LogEntry?[size];
        var kept = 0;
        for (var i = _head; i < _end; i++)
        {
            if (_items[i] is { Evicted: false } entry) items[kept++] = entry;
        }
        Array.Clear(items, kept, items.Length - kept);
        _items = items;
        _head = 0;
        _end = kept;
        _evicted = 0;
    }
}

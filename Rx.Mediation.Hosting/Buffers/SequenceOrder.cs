namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// Every event a <see cref="TopicLog"/> holds, by sequence, in one array of (sequence, topic): the oldest of all is at
/// hand when the total budget evicts, and a reader across topics finds where to start by binary search. A place whose
/// event was evicted from the middle (its topic was full) is left until the array would otherwise grow, then swept
/// out, so each event costs O(1) amortised to add and to remove.
/// </summary>
internal sealed class SequenceOrder
{
    private const int SmallestArray = 16;

    private Place[] _places = new Place[SmallestArray];
    private int _head;
    private int _end;
    private int _evicted; // places between _head and _end whose event is gone

    /// <summary>Position just past the newest place: positions from <see cref="FirstAfter"/> run up to it.</summary>
    public int End => _end;

    /// <summary>The topic of the newest event, if any.</summary>
    public TopicHistory? NewestTopic => _head < _end ? _places[_end - 1].Topic : null;

    /// <summary>The topic of the oldest held event, if any.</summary>
    public TopicHistory? OldestTopic => _head < _end ? _places[_head].Topic : null;

    /// <summary>The place at a position from <see cref="FirstAfter"/>; its event may be gone (<see cref="Place.Held"/>).</summary>
    public Place At(int position) => _places[position];

    public void Add(long sequence, TopicHistory topic)
    {
        if (_end == _places.Length) MakeRoom();
        _places[_end++] = new Place(sequence, topic);
    }

    /// <summary>Called once an event was evicted from its topic.</summary>
    public void Evicted()
    {
        _evicted++;
        while (_head < _end && !_places[_head].Held)
        {
            _places[_head++] = default;
            _evicted--;
        }
    }

    /// <summary>The position of the first place with a sequence above <paramref name="sequence"/> (<see cref="End"/> when none).</summary>
    public int FirstAfter(long sequence)
    {
        int low = _head, high = _end;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_places[middle].Sequence <= sequence) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private void MakeRoom()
    {
        var live = _end - _head - _evicted;
        // Mostly gone or free room at the front: sweep into an array twice the live size; else grow.
        var size = live * 2 <= _places.Length ? Math.Max(SmallestArray, live * 2) : _places.Length * 2;
        var places = size == _places.Length ? _places : new Place[size];
        var kept = 0;
        if (_evicted == 0)
        {
            // No gaps: one copy, without reading every place's topic to ask whether its event is held.
            Array.Copy(_places, _head, places, 0, live);
            kept = live;
        }
        else
        {
            for (var i = _head; i < _end; i++)
            {
                if (_places[i].Held) places[kept++] = _places[i];
            }
        }
        Array.Clear(places, kept, places.Length - kept);
        _places = places;
        _head = 0;
        _end = kept;
        _evicted = 0;
    }

    public readonly record struct Place(long Sequence, TopicHistory Topic)
    {
        public bool Held => Topic.Holds(Sequence);
    }
}

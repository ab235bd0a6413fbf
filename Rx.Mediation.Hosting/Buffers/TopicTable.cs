namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// A <see cref="TopicLog"/>'s topics by name: an open-addressing table (linear probing, at most half full) that keeps
/// each entry's hash in an array of its own. Looking up a name the log has not seen, the common case when every event
/// brings a new topic, then reads only that small array, and forgetting a topic needs only its hash and its history,
/// never its name's characters: none of this touches memory last used thousands of topics ago, as the general
/// dictionary's chained entries did. Each topic knows its slot (<see cref="TopicHistory.TableSlot"/>), so removing it
/// does not search for it either.
/// </summary>
internal sealed class TopicTable
{
    private const int SmallestSize = 16;

    // 0 marks a free slot; an entry's tag is its hash with the lowest bit set, so it is never 0.
    private int[] _tags = new int[SmallestSize];
    private TopicHistory?[] _topics = new TopicHistory?[SmallestSize];
    private int _shift = 32 - 4; // log2(SmallestSize) bits of the scrambled tag give the home slot

    public int Count { get; private set; }

    public bool TryGetValue(in HashedText name, out TopicHistory topic)
    {
        var tag = Tag(name.Hash);
        var mask = _tags.Length - 1;
        for (var slot = Home(tag); _tags[slot] != 0; slot = (slot + 1) & mask)
        {
            if (_tags[slot] == tag && _topics[slot]!.Key.Equals(name))
            {
                topic = _topics[slot]!;
                return true;
            }
        }
        topic = null!;
        return false;
    }

    /// <summary>Adds a topic whose name is not in the table.</summary>
    public void Add(TopicHistory topic)
    {
        if ((Count + 1) * 2 > _tags.Length) Grow();
        Place(Tag(topic.Key.Hash), topic);
        Count++;
    }

    /// <summary>Removes this topic, held at its <see cref="TopicHistory.TableSlot"/>; entries after it move back to stay reachable.</summary>
    public void Remove(TopicHistory topic)
    {
        var mask = _tags.Length - 1;
        var gap = topic.TableSlot;
        System.Diagnostics.Debug.Assert(_topics[gap] == topic, "a topic is removed only while in the table");
        // Backward-shift deletion: an entry later in the run whose home is not between the gap and itself fills the gap.
        for (var next = (gap + 1) & mask; _tags[next] != 0; next = (next + 1) & mask)
        {
            var home = Home(_tags[next]);
            var staysPut = gap <= next ? gap < home && home <= next : gap < home || home <= next;
            if (staysPut) continue;
            _tags[gap] = _tags[next];
            (_topics[gap] = _topics[next])!.TableSlot = gap;
            gap = next;
        }
        _tags[gap] = 0;
        _topics[gap] = null;
        Count--;
    }

    private static int Tag(int hash) => hash | 1;

    // Fibonacci hashing: the tag's high bits after the multiply, so its forced low bit does not decide the slot.
    private int Home(int tag) => (int)((uint)tag * 2654435769u >> _shift);

    private void Place(int tag, TopicHistory topic)
    {
        var mask = _tags.Length - 1;
        var slot = Home(tag);
        while (_tags[slot] != 0) slot = (slot + 1) & mask;
        _tags[slot] = tag;
        _topics[slot] = topic;
        topic.TableSlot = slot;
    }

    private void Grow()
    {
        var tags = _tags;
        var topics = _topics;
        _tags = new int[tags.Length * 2];
        _topics = new TopicHistory?[tags.Length * 2];
        _shift--;
        for (var i = 0; i < tags.Length; i++)
        {
            if (tags[i] != 0) Place(tags[i], topics[i]!);
        }
    }
}

using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Buffers;

/// <summary>
/// The recent events of each topic, in bounded rings, under one global sequence: what SSE replays after
/// <c>Last-Event-ID</c> and what GET polling reads with a cursor. A busy topic evicts only its own history;
/// past <see cref="MaxTopics"/> topics, the least recently written topic is forgotten.
/// </summary>
public sealed class TopicLog
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Ring> _topics = new(StringComparer.Ordinal);
    private TaskCompletionSource _appended = NewSignal();
    private long _sequence;

    public TopicLog(int capacityPerTopic = 1024, int maxTopics = 10_000)
    {
        if (capacityPerTopic < 1) throw new ArgumentOutOfRangeException(nameof(capacityPerTopic), capacityPerTopic, "must be at least 1");
        if (maxTopics < 1) throw new ArgumentOutOfRangeException(nameof(maxTopics), maxTopics, "must be at least 1");
        CapacityPerTopic = capacityPerTopic;
        MaxTopics = maxTopics;
    }

    public int CapacityPerTopic { get; }

    public int MaxTopics { get; }

    /// <summary>The sequence of the newest event (0 when empty).</summary>
    public long LastSequence
    {
        get { lock (_gate) return _sequence; }
    }

    public long Append(Event value)
    {
        TaskCompletionSource signal;
        long sequence;
        lock (_gate)
        {
            sequence = ++_sequence;
            if (!_topics.TryGetValue(value.Topic, out var ring))
            {
                if (_topics.Count >= MaxTopics) EvictStalest();
                _topics[value.Topic] = ring = new Ring(CapacityPerTopic);
            }
            ring.Add(new LoggedEvent(sequence, value));
            signal = _appended;
            _appended = NewSignal();
        }
        signal.TrySetResult();
        return sequence;
    }

    /// <summary>Events on topics matching <paramref name="filter"/> with a sequence above <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<LoggedEvent> ReadAfter(TopicPattern filter, long after, int limit)
    {
        if (limit <= 0) return [];
        var result = new List<LoggedEvent>();
        lock (_gate)
        {
            if (!filter.IsWildcard)
            {
                if (_topics.TryGetValue(filter.Text, out var ring)) ring.CopyAfter(after, limit, result);
                return result;
            }
            foreach (var (topic, ring) in _topics)
            {
                if (filter.Matches(topic)) ring.CopyAfter(after, limit, result);
            }
        }
        result.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        if (result.Count > limit) result.RemoveRange(limit, result.Count - limit);
        return result;
    }

    /// <summary>The sequence of the event with this id, if it is still kept.</summary>
    public long? FindSequence(string eventId)
    {
        lock (_gate)
        {
            foreach (var ring in _topics.Values)
            {
                var found = ring.Find(eventId);
                if (found is not null) return found;
            }
        }
        return null;
    }

    /// <summary>
    /// Waits until an event matching <paramref name="filter"/> is appended after <paramref name="after"/>, or the
    /// timeout passes; returns what is there (possibly nothing).
    /// </summary>
    public async Task<IReadOnlyList<LoggedEvent>> WaitAfterAsync(TopicPattern filter, long after, int limit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        while (true)
        {
            Task signal;
            lock (_gate) signal = _appended.Task;
            var items = ReadAfter(filter, after, limit);
            if (items.Count > 0) return items;
            try
            {
                await signal.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    private void EvictStalest()
    {
        string? stalest = null;
        long oldest = long.MaxValue;
        foreach (var (topic, ring) in _topics)
        {
            if (ring.LastSequence < oldest)
            {
                oldest = ring.LastSequence;
                stalest = topic;
            }
        }
        if (stalest is not null) _topics.Remove(stalest);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Ring(int capacity)
    {
        private readonly LoggedEvent[] _items = new LoggedEvent[capacity];
        private int _start;
        private int _count;

        public long LastSequence => _count == 0 ? 0 : _items[(_start + _count - 1) % _items.Length].Sequence;

        public void Add(LoggedEvent item)
        {
            if (_count < _items.Length)
            {
                _items[(_start + _count) % _items.Length] = item;
                _count++;
            }
            else
            {
                _items[_start] = item;
                _start = (_start + 1) % _items.Length;
            }
        }

        public void CopyAfter(long after, int limit, List<LoggedEvent> into)
        {
            // Sequences grow along the ring: skip to the first one after the cursor, then copy up to the limit.
            var taken = 0;
            for (var i = 0; i < _count && taken < limit; i++)
            {
                var item = _items[(_start + i) % _items.Length];
                if (item.Sequence <= after) continue;
                into.Add(item);
                taken++;
            }
        }

        public long? Find(string eventId)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                var item = _items[(_start + i) % _items.Length];
                if (item.Event.Id == eventId) return item.Sequence;
            }
            return null;
        }
    }
}

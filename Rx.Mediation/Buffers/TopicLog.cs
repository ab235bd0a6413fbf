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
    private long _forgottenThrough;

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
    public long? FindSequence(string eventId) => FindSequence(e => e.Id == eventId);

    /// <summary>The sequence of the newest kept event that <paramref name="match"/> accepts, if any.</summary>
    public long? FindSequence(Func<Event, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_gate)
        {
            foreach (var ring in _topics.Values)
            {
                var found = ring.Find(match);
                if (found is not null) return found;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether every event on topics matching <paramref name="filter"/> with a sequence above <paramref name="after"/>
    /// is still kept, i.e. reading after it misses nothing. False once such an event was evicted (its topic's ring
    /// was full, or its topic was forgotten past <see cref="MaxTopics"/>).
    /// </summary>
    public bool Holds(TopicPattern filter, long after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            if (_forgottenThrough > after) return false;
            if (!filter.IsWildcard) return !_topics.TryGetValue(filter.Text, out var ring) || ring.EvictedThrough <= after;
            foreach (var (topic, ring) in _topics)
            {
                if (ring.EvictedThrough > after && filter.Matches(topic)) return false;
            }
        }
        return true;
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
        if (stalest is null) return;
        _topics.Remove(stalest);
        _forgottenThrough = Math.Max(_forgottenThrough, oldest);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Ring(int capacity)
    {
        private readonly LoggedEvent[] _items = new LoggedEvent[capacity];
        private int _start;
        private int _count;

        public long LastSequence => _count == 0 ? 0 : _items[(_start + _count - 1) % _items.Length].Sequence;

        /// <summary>The sequence of the newest event overwritten so far (0 when none was).</summary>
        public long EvictedThrough { get; private set; }

        public void Add(LoggedEvent item)
        {
            if (_count < _items.Length)
            {
                _items[(_start + _count) % _items.Length] = item;
                _count++;
            }
            else
            {
                EvictedThrough = _items[_start].Sequence;
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

        public long? Find(Func<Event, bool> match)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                var item = _items[(_start + i) % _items.Length];
                if (match(item.Event)) return item.Sequence;
            }
            return null;
        }
    }
}

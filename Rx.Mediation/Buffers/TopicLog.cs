using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Buffers;

/// <summary>
/// The recent events of each topic under one global sequence: what SSE replays after <c>Last-Event-ID</c> and what GET
/// polling reads with a cursor. Bounded by <see cref="TopicLogLimits"/>, in events and bytes per topic (a busy topic
/// evicts only its own history), in bytes overall (the oldest events of any topic go first) and in topics (the least
/// recently written one is forgotten). Every eviction is reported with its cause.
/// <para>No operation grows with the number of topics: a topic's ring starts small and grows as it fills, topics are
/// listed by last write, events by sequence, and event ids are indexed. A read says when events it asked for were
/// evicted (<see cref="LogPage.Gap"/>).</para>
/// </summary>
public sealed class TopicLog
{
    /// <summary>Entries a read across topics looks at before it answers, so no read holds appends back for long.</summary>
    internal const int ScanLimit = 16_384;

    /// <summary>What a topic costs besides its events: its history, its ring, its name and its dictionary entry.</summary>
    private const int PerTopic = 160;

    private readonly object _gate = new();
    private readonly Dictionary<string, TopicHistory> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LogEntry> _byId = new(StringComparer.Ordinal);
    private readonly SequenceOrder _order = new();
    private readonly ForgottenTopics _forgotten = new();
    private readonly Action<Eviction>? _onEvicted;
    private TopicHistory? _stalest;
    private TopicHistory? _freshest;
    private TaskCompletionSource _appended = NewSignal();
    private long _sequence;
    private long _bytes;
    private int _events;
    private long _evictedThrough;
    private long _reads;

    /// <param name="onEvicted">Told of every event let go, after the log's lock is released.</param>
    public TopicLog(TopicLogLimits? limits = null, Action<Eviction>? onEvicted = null)
    {
        Limits = limits ?? new TopicLogLimits();
        Limits.Validate();
        _onEvicted = onEvicted;
    }

    public TopicLogLimits Limits { get; }

    /// <summary>The sequence of the newest event (0 when empty).</summary>
    public long LastSequence
    {
        get { lock (_gate) return _sequence; }
    }

    /// <summary>What the log holds now.</summary>
    public TopicLogUsage Usage
    {
        get { lock (_gate) return new TopicLogUsage(_topics.Count, _events, _bytes); }
    }

    public long Append(Event value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = EventFootprint.Of(value);
        List<Eviction>? evicted = null;
        TaskCompletionSource signal;
        long sequence;
        lock (_gate)
        {
            sequence = ++_sequence;
            var topic = Touch(value.Topic, ref evicted);
            var entry = new LogEntry(sequence, value, bytes, topic);
            topic.Add(entry);
            _order.Add(entry);
            _bytes += bytes;
            _events++;
            Index(entry);
            while (topic.Count > Limits.EventsPerTopic) Evict(topic.Oldest, EvictionCause.TopicEvents, ref evicted);
            while (topic.Bytes > Limits.BytesPerTopic && topic.Oldest != entry) Evict(topic.Oldest, EvictionCause.TopicBytes, ref evicted);
            while (_bytes > Limits.Bytes && _order.Oldest is { } oldest && oldest != entry) Evict(oldest, EvictionCause.Bytes, ref evicted);
            signal = _appended;
            _appended = NewSignal();
        }
        signal.TrySetResult();
        Report(evicted);
        return sequence;
    }

    /// <summary>Marks the event appended as <paramref name="sequence"/> as had by a client (delivered live), so its eviction is not a loss.</summary>
    public void MarkRead(long sequence)
    {
        lock (_gate)
        {
            if (_order.Find(sequence) is { } entry) entry.Read = true;
        }
    }

    /// <summary>Events on topics matching <paramref name="filter"/> after <paramref name="after"/>; see <see cref="Read(IReadOnlyList{TopicPattern}, long, int, long)"/>.</summary>
    public LogPage Read(TopicPattern filter, long after, int limit, long maxBytes = long.MaxValue) => Read([filter], after, limit, maxBytes);

    /// <summary>
    /// Events on topics matching any of <paramref name="filters"/> with a sequence above <paramref name="after"/>, oldest
    /// first: up to <paramref name="limit"/> of them, ending earlier once they add up to <paramref name="maxBytes"/> (the
    /// first is always taken). Each is marked read.
    /// </summary>
    public LogPage Read(IReadOnlyList<TopicPattern> filters, long after, int limit, long maxBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0 || limit <= 0) return LogPage.Empty(after);
        lock (_gate)
        {
            var gap = false;
            foreach (var filter in filters) gap |= GapAfter(filter, after);
            var items = new List<LoggedEvent>();
            var through = filters.Count == 1 && !filters[0].IsWildcard
                ? ReadTopic(filters[0].Text, after, limit, maxBytes, items)
                : ReadAcross(filters, after, limit, maxBytes, items);
            return new LogPage(items, through, gap);
        }
    }

    /// <summary>The sequence of the event with this id (or resume id, <see cref="ResumeIds"/>), if it is still held.</summary>
    public long? FindSequence(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate) return _byId.TryGetValue(id, out var entry) ? entry.Sequence : null;
    }

    /// <summary>
    /// Whether every event on topics matching <paramref name="filter"/> with a sequence above <paramref name="after"/>
    /// is still held, i.e. reading after it misses nothing.
    /// </summary>
    public bool Holds(TopicPattern filter, long after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate) return !GapAfter(filter, after);
    }

    /// <summary>
    /// Waits until an event matching <paramref name="filter"/> is appended after <paramref name="after"/>, or the
    /// timeout passes; returns what is there (possibly nothing, read through the newest event).
    /// </summary>
    public async Task<LogPage> WaitAfterAsync(TopicPattern filter, long after, int limit, TimeSpan timeout, CancellationToken cancellationToken, long maxBytes = long.MaxValue)
    {
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        var gap = false;
        while (true)
        {
            Task signal;
            long last;
            lock (_gate)
            {
                signal = _appended.Task;
                last = _sequence;
            }
            var page = Read(filter, after, limit, maxBytes);
            gap |= page.Gap;
            if (page.Items.Count > 0) return page with { Gap = gap };
            after = page.Through;
            if (after < last) continue; // the read stopped at its scan limit: go on at once
            try
            {
                await signal.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return LogPage.Empty(after, gap);
            }
        }
    }

    private long ReadTopic(string name, long after, int limit, long maxBytes, List<LoggedEvent> items)
    {
        if (!_topics.TryGetValue(name, out var topic)) return _sequence;
        long bytes = 0;
        for (var i = topic.FirstAfter(after); i < topic.Count; i++)
        {
            var entry = topic[i];
            if (items.Count == limit || (items.Count > 0 && bytes + entry.Bytes > maxBytes)) return items[^1].Sequence;
            Take(entry, items, ref bytes);
        }
        return _sequence;
    }

    private long ReadAcross(IReadOnlyList<TopicPattern> filters, long after, int limit, long maxBytes, List<LoggedEvent> items)
    {
        // Each topic is matched once per read, however many of its events are looked at.
        var read = ++_reads;
        long bytes = 0;
        var scanned = 0;
        for (var position = _order.FirstAfter(after); position < _order.End; position++)
        {
            var entry = _order.At(position);
            if (entry.Evicted) continue;
            if (scanned++ == ScanLimit) return entry.Sequence - 1;
            if (!Matches(entry.Topic, filters, read)) continue;
            if (items.Count == limit || (items.Count > 0 && bytes + entry.Bytes > maxBytes)) return items[^1].Sequence;
            Take(entry, items, ref bytes);
        }
        return _sequence;
    }

    private static void Take(LogEntry entry, List<LoggedEvent> items, ref long bytes)
    {
        entry.Read = true;
        items.Add(entry.Logged);
        bytes += entry.Bytes;
    }

    private static bool Matches(TopicHistory topic, IReadOnlyList<TopicPattern> filters, long read)
    {
        if (topic.MatchedBy == read) return topic.Matched;
        var matched = false;
        foreach (var filter in filters) matched |= filter.Matches(topic.Name);
        topic.MatchedBy = read;
        topic.Matched = matched;
        return matched;
    }

    /// <summary>Whether an event on a topic matching <paramref name="filter"/> with a sequence above <paramref name="after"/> was evicted.</summary>
    private bool GapAfter(TopicPattern filter, long after)
    {
        if (_evictedThrough <= after) return false;
        if (!filter.IsWildcard)
        {
            var through = _forgotten.Through(filter.Text);
            if (_topics.TryGetValue(filter.Text, out var topic)) through = Math.Max(through, topic.EvictedThrough);
            return through > after;
        }
        // A forgotten topic's name is not kept: it may have matched.
        if (_forgotten.Newest > after) return true;
        for (var topic = _freshest; topic is not null; topic = topic.Staler)
        {
            if (topic.EvictedThrough > after && filter.Matches(topic.Name)) return true;
        }
        return false;
    }

    /// <summary>The topic's history, now the most recently written; a new one forgets the stalest topic past the limit.</summary>
    private TopicHistory Touch(string name, ref List<Eviction>? evicted)
    {
        if (_topics.TryGetValue(name, out var topic))
        {
            if (topic != _freshest)
            {
                Unlink(topic);
                LinkFreshest(topic);
            }
            return topic;
        }
        if (_topics.Count >= Limits.Topics && _stalest is { } stalest)
        {
            // Its last event gone, the topic is forgotten.
            for (var left = stalest.Count; left > 0; left--) Evict(stalest.Oldest, EvictionCause.Topics, ref evicted);
        }
        topic = new TopicHistory(name);
        _topics[name] = topic;
        LinkFreshest(topic);
        _bytes += TopicBytes(name);
        return topic;
    }

    /// <summary>Lets <paramref name="entry"/>, its topic's oldest event, go; a topic left empty is forgotten.</summary>
    private void Evict(LogEntry entry, EvictionCause cause, ref List<Eviction>? evicted)
    {
        var topic = entry.Topic;
        topic.RemoveOldest();
        entry.Evicted = true;
        _order.Evicted();
        _bytes -= entry.Bytes;
        _events--;
        topic.EvictedThrough = entry.Sequence;
        _evictedThrough = Math.Max(_evictedThrough, entry.Sequence);
        Unindex(entry);
        (evicted ??= []).Add(new Eviction(entry.Logged, cause, !entry.Read));
        if (topic.Count > 0) return;
        _topics.Remove(topic.Name);
        Unlink(topic);
        _bytes -= TopicBytes(topic.Name);
        _forgotten.Forgot(topic.Name, topic.EvictedThrough);
    }

    private void Index(LogEntry entry)
    {
        _byId[entry.Event.Id] = entry;
        if (ResumeIdOf(entry) is { } resumeId) _byId[resumeId] = entry;
    }

    private void Unindex(LogEntry entry)
    {
        Remove(entry.Event.Id);
        if (ResumeIdOf(entry) is { } resumeId) Remove(resumeId);

        // A later event under the same id took its place in the index: that one stays findable.
        void Remove(string id)
        {
            if (_byId.TryGetValue(id, out var indexed) && indexed == entry) _byId.Remove(id);
        }
    }

    private static string? ResumeIdOf(LogEntry entry)
    {
        var resumeId = entry.Event.Header(ResumeIds.Header);
        return resumeId is not null && resumeId != entry.Event.Id ? resumeId : null;
    }

    private void LinkFreshest(TopicHistory topic)
    {
        topic.Staler = _freshest;
        topic.Fresher = null;
        if (_freshest is not null) _freshest.Fresher = topic;
        _freshest = topic;
        _stalest ??= topic;
    }

    private void Unlink(TopicHistory topic)
    {
        if (topic.Staler is not null) topic.Staler.Fresher = topic.Fresher;
        else _stalest = topic.Fresher;
        if (topic.Fresher is not null) topic.Fresher.Staler = topic.Staler;
        else _freshest = topic.Staler;
        topic.Staler = topic.Fresher = null;
    }

    private void Report(List<Eviction>? evicted)
    {
        if (evicted is null || _onEvicted is not { } report) return;
        foreach (var eviction in evicted) report(eviction);
    }

    private static long TopicBytes(string name) => PerTopic + 2L * name.Length;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

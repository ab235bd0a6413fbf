using System.Runtime.InteropServices;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// The recent events of each topic under one global sequence: what SSE replays after <c>Last-Event-ID</c> and what GET
/// polling reads with a cursor. Bounded by <see cref="TopicLogLimits"/>, in events and bytes per topic (a busy topic
/// evicts only its own history), in bytes overall (the oldest events of any topic go first) and in topics (the least
/// recently written one is forgotten). Every eviction is reported with its cause.
/// <para>No operation grows with the number of topics: a topic's ring starts small and grows as it fills, topics are
/// listed by last write, events by sequence, and event ids are indexed. Held events are stored by value, so holding
/// many costs few objects. A read says when events it asked for were evicted (<see cref="LogPage.Gap"/>).</para>
/// </summary>
public sealed class TopicLog
{
    /// <summary>Entries a read across topics looks at before it answers, so no read holds appends back for long.</summary>
    internal const int ScanLimit = 16_384;

    /// <summary>What a topic costs besides its events: its history, its ring, its name and its dictionary entry.</summary>
    private const int PerTopic = 160;

    private readonly object _gate = new();
    private readonly Dictionary<HashedText, TopicHistory> _topics = new();
    private readonly Dictionary<HashedText, long>? _byId; // id → sequence
    private readonly SequenceOrder _order = new();
    private readonly ForgottenTopics _forgotten = new();
    private readonly Action<Eviction>? _onEvicted;
    private TopicHistory? _stalest;
    private TopicHistory? _freshest;
    private TaskCompletionSource? _appended; // made by a waiting reader, completed by the next append
    private long _sequence;
    private long _bytes;
    private int _events;
    private long _evictedThrough;
    private long _reads;

    /// <param name="onEvicted">Told of every event let go, after the log's lock is released.</param>
    /// <param name="indexIds">
    /// Index event ids for <see cref="FindSequence"/> (SSE's <c>Last-Event-ID</c>); a log read only by sequence (polling)
    /// is spared the index's upkeep.
    /// </param>
    public TopicLog(TopicLogLimits? limits = null, Action<Eviction>? onEvicted = null, bool indexIds = true)
    {
        Limits = limits ?? new TopicLogLimits();
        Limits.Validate();
        _onEvicted = onEvicted;
        if (indexIds) _byId = new Dictionary<HashedText, long>();
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
        var evicted = new EvictionList();
        TaskCompletionSource? signal;
        long sequence;
        lock (_gate)
        {
            sequence = ++_sequence;
            var topic = Touch(value.Topic, ref evicted);
            topic.Add(new LogSlot(sequence, value, bytes, Index(value, sequence, out var hasResumeId), hasResumeId));
            _order.Add(sequence, topic);
            _bytes += bytes;
            _events++;
            while (topic.Count > Limits.EventsPerTopic) Evict(topic, EvictionCause.TopicEvents, ref evicted);
            while (topic.Bytes > Limits.BytesPerTopic && topic.Count > 1) Evict(topic, EvictionCause.TopicBytes, ref evicted);
            while (_bytes > Limits.Bytes && _order.OldestTopic is { } oldest && !(oldest == topic && topic.Count == 1)) Evict(oldest, EvictionCause.Bytes, ref evicted);
            signal = _appended;
            _appended = null;
        }
        signal?.TrySetResult();
        evicted.Report(_onEvicted);
        return sequence;
    }

    /// <summary>Marks the event appended as <paramref name="sequence"/> as had by a client (delivered live), so its eviction is not a loss.</summary>
    public void MarkRead(long sequence)
    {
        lock (_gate)
        {
            // Mostly the event just appended: the newest of its topic.
            if (sequence == _sequence && _order.NewestTopic is { Count: > 0 } newest && newest[newest.Count - 1].Sequence == sequence)
            {
                newest[newest.Count - 1].Read = true;
                return;
            }
            var position = _order.FirstAfter(sequence - 1);
            if (position == _order.End) return;
            var place = _order.At(position);
            if (place.Sequence == sequence && place.Held) Slot(place).Read = true;
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
        if (_byId is null) throw new InvalidOperationException("this log was made without an id index");
        lock (_gate) return _byId.TryGetValue(HashedText.Of(id), out var sequence) ? sequence : null;
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
                signal = (_appended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
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
        if (!_topics.TryGetValue(HashedText.Of(name), out var topic)) return _sequence;
        long bytes = 0;
        for (var i = topic.FirstAfter(after); i < topic.Count; i++)
        {
            ref var slot = ref topic[i];
            if (items.Count == limit || (items.Count > 0 && bytes + slot.Bytes > maxBytes)) return items[^1].Sequence;
            Take(ref slot, items, ref bytes);
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
            var place = _order.At(position);
            if (!place.Held) continue;
            if (scanned++ == ScanLimit) return place.Sequence - 1;
            if (!Matches(place.Topic, filters, read)) continue;
            ref var slot = ref Slot(place);
            if (items.Count == limit || (items.Count > 0 && bytes + slot.Bytes > maxBytes)) return items[^1].Sequence;
            Take(ref slot, items, ref bytes);
        }
        return _sequence;
    }

    private static void Take(ref LogSlot slot, List<LoggedEvent> items, ref long bytes)
    {
        slot.Read = true;
        items.Add(slot.Logged);
        bytes += slot.Bytes;
    }

    /// <summary>The held event at a place of the sequence order, found in its topic's ring.</summary>
    private static ref LogSlot Slot(SequenceOrder.Place place) => ref place.Topic[place.Topic.FirstAfter(place.Sequence - 1)];

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
            var name = HashedText.Of(filter.Text);
            var through = _forgotten.Through(name);
            if (_topics.TryGetValue(name, out var topic)) through = Math.Max(through, topic.EvictedThrough);
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
    private TopicHistory Touch(string name, ref EvictionList evicted)
    {
        var key = HashedText.Of(name);
        // One lookup finds the topic or makes its entry; the entry is filled before the dictionary changes again.
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_topics, key, out var known);
        if (known)
        {
            var topic = entry!;
            if (topic != _freshest)
            {
                Unlink(topic);
                LinkFreshest(topic);
            }
            return topic;
        }
        var cost = PerTopic + 2L * name.Length;
        if (_topics.Count > Limits.Topics && _stalest is { } stalest)
        {
            // The stalest topic's emptied history serves the new topic: at the topic limit, a new topic allocates nothing.
            entry = stalest;
            // Its last event gone, the stalest topic is forgotten (its old name leaves the dictionary).
            for (var left = stalest.Count; left > 0; left--) Evict(stalest, EvictionCause.Topics, ref evicted);
            stalest.Rename(key, cost);
            LinkFreshest(stalest);
            _bytes += cost;
            return stalest;
        }
        var created = entry = new TopicHistory(key, cost);
        LinkFreshest(created);
        _bytes += cost;
        return created;
    }

    /// <summary>Lets the oldest event of <paramref name="topic"/> go; a topic left empty is forgotten.</summary>
    private void Evict(TopicHistory topic, EvictionCause cause, ref EvictionList evicted)
    {
        var slot = topic.RemoveOldest();
        _bytes -= slot.Bytes;
        _events--;
        topic.EvictedThrough = slot.Sequence;
        _evictedThrough = Math.Max(_evictedThrough, slot.Sequence);
        Unindex(slot);
        evicted.Add(new Eviction(slot.Logged, cause, !slot.Read));
        if (topic.Count == 0)
        {
            _topics.Remove(topic.Key);
            Unlink(topic);
            _bytes -= topic.Cost;
            _forgotten.Forgot(ForgottenTopics.Slot(topic.Key), topic.EvictedThrough);
        }
        _order.Evicted();
    }

    /// <summary>Indexes the event's id (and resume id); returns the id as the slot keeps it, for <see cref="Unindex"/>.</summary>
    private HashedText Index(Event value, long sequence, out bool hasResumeId)
    {
        hasResumeId = false;
        if (_byId is null) return default;
        var id = HashedText.Of(value.Id);
        _byId[id] = sequence;
        if (ResumeIdOf(value) is { } resumeId)
        {
            _byId[HashedText.Of(resumeId)] = sequence;
            hasResumeId = true;
        }
        return id;
    }

    private void Unindex(in LogSlot slot)
    {
        if (_byId is null) return;
        Remove(_byId, slot.Id, slot.Sequence);
        if (slot.HasResumeId && ResumeIdOf(slot.Event) is { } resumeId) Remove(_byId, HashedText.Of(resumeId), slot.Sequence);
    }

    private static void Remove(Dictionary<HashedText, long> index, HashedText id, long sequence)
    {
        // A later event under the same id took its place in the index: that one stays findable.
        if (index.Remove(id, out var indexed) && indexed != sequence) index[id] = indexed;
    }

    private static string? ResumeIdOf(Event value)
    {
        var resumeId = value.Header(ResumeIds.Header);
        return resumeId is not null && resumeId != value.Id ? resumeId : null;
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
}

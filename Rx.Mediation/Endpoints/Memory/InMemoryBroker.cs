using System.Collections.Concurrent;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Endpoints.Memory;

/// <summary>
/// An in-process publish/subscribe broker with MQTT-style topic filters (<c>+</c>, <c>#</c>).
/// Publishing is synchronous and lock-free; the subscribers matching a topic are cached per topic and the
/// cache is cleared whenever the subscription set changes.
/// </summary>
public sealed class InMemoryBroker
{
    // Topics seen are cached; past this many distinct topics the cache starts over rather than grow without bound.
    private const int MaxCachedTopics = 10_000;

    private Subscription[] _subscriptions = [];
    private ConcurrentDictionary<string, LastTopic> _byTopic = new(StringComparer.Ordinal);
    private long _published;
    private LastTopic? _last;
    private int _version;

    /// <summary>
    /// How many routes reading from this broker have a bridge too full to take more (it holds at 1, resumes at 0).
    /// Publishing cannot wait for them, so the routes publishing here hold back on this instead, as on a broker's
    /// outbound queue (see <see cref="UpstreamHold"/>).
    /// </summary>
    public OutboundPressure Pressure { get; } = new(highWater: 1, lowWater: 0);

    /// <summary>Events published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    public int SubscriptionCount => Volatile.Read(ref _subscriptions).Length;

    public IDisposable Subscribe(TopicPattern filter, IObserver<Event> observer)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, filter, observer);
        Change(list => [.. list, subscription]);
        return subscription;
    }

    public IDisposable Subscribe(string filter, IObserver<Event> observer) => Subscribe(TopicPattern.Parse(filter), observer);

    /// <summary>Delivers <paramref name="value"/> to every matching subscriber; returns how many.</summary>
    public int Publish(Event value)
    {
        Interlocked.Increment(ref _published);
        // Consecutive events mostly share one topic string: compare references before hashing the topic.
        var last = Volatile.Read(ref _last);
        Subscription[] matching;
        if (last is not null && ReferenceEquals(last.Topic, value.Topic) && last.Version == Volatile.Read(ref _version))
        {
            matching = last.Subscribers;
        }
        else
        {
            var cache = Volatile.Read(ref _byTopic);
            if (!cache.TryGetValue(value.Topic, out var entry)) entry = Resolve(cache, value.Topic);
            Volatile.Write(ref _last, entry);
            matching = entry.Subscribers;
        }
        foreach (var subscription in matching) subscription.Observer.OnNext(value);
        return matching.Length;
    }

    // Kept out of Publish: the lambda's closure would otherwise be allocated on every publish, cache hit or not.
    private LastTopic Resolve(ConcurrentDictionary<string, LastTopic> cache, string topic)
    {
        // The version is read before the subscriptions: a change in between makes this entry stale, never wrong.
        var version = Volatile.Read(ref _version);
        var entry = new LastTopic(topic, Array.FindAll(Volatile.Read(ref _subscriptions), s => s.Filter.Matches(topic)), version);
        if (cache.Count >= MaxCachedTopics) cache.Clear();
        return cache.GetOrAdd(topic, entry);
    }

    private void Change(Func<Subscription[], Subscription[]> change)
    {
        lock (this)
        {
            Volatile.Write(ref _subscriptions, change(_subscriptions));
            Volatile.Write(ref _byTopic, new ConcurrentDictionary<string, LastTopic>(StringComparer.Ordinal));
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>The subscribers of one topic, as cached; also the one-entry cache of the last topic published.</summary>
    private sealed record LastTopic(string Topic, Subscription[] Subscribers, int Version);

    private sealed class Subscription(InMemoryBroker broker, TopicPattern filter, IObserver<Event> observer) : IDisposable
    {
        private int _disposed;

        public TopicPattern Filter { get; } = filter;

        public IObserver<Event> Observer { get; } = observer;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) broker.Change(list => Array.FindAll(list, s => s != this));
        }
    }
}

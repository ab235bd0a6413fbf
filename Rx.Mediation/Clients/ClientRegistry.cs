using System.Collections.Concurrent;
using Rx.Mediation.Endpoints.Memory;
using Rx.Mediation.Events;

namespace Rx.Mediation.Clients;

/// <summary>
/// The clients of one entrypoint, and the rule for delivering to them: an event whose client id names a client
/// connected here goes to that client alone; any other event goes to every client whose topic filters match.
/// Topic fan-out reuses the in-memory broker's matching and per-topic cache.
/// </summary>
public sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<string, Entry> _clients = new(StringComparer.Ordinal);
    private readonly InMemoryBroker _topics = new();

    public int Count => _clients.Count;

    public IReadOnlyCollection<ConnectedClient> Clients => _clients.Values.Select(e => e.Client).ToList();

    public bool TryGet(string id, out ConnectedClient? client)
    {
        var found = _clients.TryGetValue(id, out var entry);
        client = entry?.Client;
        return found;
    }

    /// <summary>Adds a client; returns null when a client with that id is already connected here.</summary>
    public IDisposable? Add(ConnectedClient client)
    {
        var entry = new Entry(client);
        if (!_clients.TryAdd(client.Id, entry)) return null;
        var observer = new OutboxObserver(client.Outbox);
        entry.Subscriptions = client.Topics.Select(t => _topics.Subscribe(t, observer)).ToList();
        return new Registration(this, entry);
    }

    /// <summary>Delivers per the rule above; returns how many clients it was queued for.</summary>
    public int Deliver(Event value)
    {
        if (value.ClientId is { } id && _clients.TryGetValue(id, out var addressed))
        {
            return addressed.Client.Outbox.Enqueue(value) ? 1 : 0;
        }
        return _topics.Publish(value);
    }

    private sealed class Entry(ConnectedClient client)
    {
        public ConnectedClient Client { get; } = client;

        public List<IDisposable> Subscriptions { get; set; } = [];
    }

    private sealed class Registration(ClientRegistry registry, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            registry._clients.TryRemove(new KeyValuePair<string, Entry>(entry.Client.Id, entry));
            foreach (var subscription in entry.Subscriptions) subscription.Dispose();
        }
    }

    private sealed class OutboxObserver(ClientOutbox outbox) : IObserver<Event>
    {
        public void OnNext(Event value) => outbox.Enqueue(value);

        public void OnCompleted() { }

        public void OnError(Exception error) { }
    }
}

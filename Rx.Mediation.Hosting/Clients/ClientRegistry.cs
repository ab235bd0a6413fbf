using System.Collections.Concurrent;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Clients;

/// <summary>
/// The clients of one entrypoint, and the rule for delivering to them: an event whose client id names a client
/// connected here goes to that client alone, past its topic filters but only within its principal's subscribe rights
/// (<see cref="ConnectedClient.MayRead"/>; outside them it goes to no one); any other event goes, once, to every client
/// whose topic filters match.
/// <para>Delivering costs the same however many topics events come on: clients whose filters are all plain topics are
/// found by one lookup of the event's topic; clients with a wildcard filter are matched one by one. Nothing is cached
/// per topic.</para>
/// </summary>
public sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<string, ConnectedClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConnectedClient[]> _byTopic = new(StringComparer.Ordinal);
    private readonly object _gate = new(); // serialises changes; delivery reads without it
    private ConnectedClient[] _wildcard = [];

    public int Count => _clients.Count;

    public IReadOnlyCollection<ConnectedClient> Clients => _clients.Values.ToList();

    public bool TryGet(string id, out ConnectedClient? client) => _clients.TryGetValue(id, out client);

    /// <summary>Adds a client; returns null when a client with that id is already connected here.</summary>
    public IDisposable? Add(ConnectedClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!_clients.TryAdd(client.Id, client)) return null;
        lock (_gate)
        {
            if (HasWildcard(client)) Volatile.Write(ref _wildcard, [.. _wildcard, client]);
            else
            {
                foreach (var topic in client.Topics) _byTopic[topic.Text] = _byTopic.TryGetValue(topic.Text, out var others) ? [.. others, client] : [client];
            }
        }
        return new Registration(this, client);
    }

    /// <summary>Delivers per the rule above; returns how many clients it was queued for.</summary>
    public int Deliver(Event value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.ClientId is { } id && _clients.TryGetValue(id, out var addressed))
        {
            return addressed.MayRead(value.Topic) && addressed.Outbox.Enqueue(value) ? 1 : 0;
        }
        var bytes = -1L; // measured once, for the first client that takes it
        var queued = 0;
        if (_byTopic.TryGetValue(value.Topic, out var subscribers))
        {
            foreach (var client in subscribers) queued += Enqueue(client, value, ref bytes);
        }
        foreach (var client in Volatile.Read(ref _wildcard))
        {
            if (Matches(client, value.Topic)) queued += Enqueue(client, value, ref bytes);
        }
        return queued;
    }

    private static int Enqueue(ConnectedClient client, Event value, ref long bytes)
    {
        if (bytes < 0) bytes = EventFootprint.Of(value);
        return client.Outbox.Enqueue(value, bytes) ? 1 : 0;
    }

    private static bool Matches(ConnectedClient client, string topic)
    {
        foreach (var filter in client.Topics)
        {
            if (filter.Matches(topic)) return true;
        }
        return false;
    }

    /// <summary>A client with any wildcard is matched as a whole, so overlapping filters deliver an event once.</summary>
    private static bool HasWildcard(ConnectedClient client) => client.Topics.Count == 0 || client.Topics.Any(t => t.IsWildcard);

    private void Remove(ConnectedClient client)
    {
        _clients.TryRemove(new KeyValuePair<string, ConnectedClient>(client.Id, client));
        lock (_gate)
        {
            if (HasWildcard(client))
            {
                Volatile.Write(ref _wildcard, Array.FindAll(_wildcard, c => c != client));
                return;
            }
            foreach (var topic in client.Topics)
            {
                if (!_byTopic.TryGetValue(topic.Text, out var subscribers)) continue;
                var rest = Array.FindAll(subscribers, c => c != client);
                if (rest.Length == 0) _byTopic.TryRemove(topic.Text, out _);
                else _byTopic[topic.Text] = rest;
            }
        }
    }

    private sealed class Registration(ClientRegistry registry, ConnectedClient client) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) registry.Remove(client);
        }
    }
}

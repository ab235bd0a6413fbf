namespace Rx.Mediation.Hosting.Clients;

/// <summary>
/// Which principal holds each client id, across every entrypoint of the server, so one principal cannot take another's
/// id: it would receive the events addressed to it, and lock its owner out. An id is held from the first connection
/// that claims it, while any is open, and for <see cref="Hold"/> after the last one closes, so its owner can come back;
/// at most <see cref="MaxReleased"/> ids of clients that left are held, the oldest let go first. Anonymous callers
/// (null principal) are one owner among themselves. Used only when callers are authenticated.
/// </summary>
public sealed class ClientIdOwners(TimeSpan hold, TimeProvider? time = null)
{
    public const int MaxReleased = 100_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Claim> _claims = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, Claim Claim, long Stamp)> _released = new();
    private readonly object _gate = new();

    public TimeSpan Hold { get; } = hold;

    /// <summary>A lease on <paramref name="clientId"/> for <paramref name="principal"/>, released when disposed; null when another holds it.</summary>
    public IDisposable? TryClaim(string clientId, string? principal)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Sweep(now);
            if (_claims.TryGetValue(clientId, out var claim))
            {
                if (!string.Equals(claim.Owner, principal, StringComparison.Ordinal)) return null;
            }
            else
            {
                _claims[clientId] = claim = new Claim(principal);
            }
            claim.Open++;
            return new Lease(this, clientId, claim);
        }
    }

    /// <summary>Whether <paramref name="principal"/> holds <paramref name="clientId"/> now.</summary>
    public bool IsHeldBy(string clientId, string principal)
    {
        lock (_gate)
        {
            Sweep(_time.GetTimestamp());
            return _claims.TryGetValue(clientId, out var claim) && string.Equals(claim.Owner, principal, StringComparison.Ordinal);
        }
    }

    /// <summary>Ids held now (connected, or within the hold).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _claims.Count;
        }
    }

    private void Release(string clientId, Claim claim)
    {
        lock (_gate)
        {
            if (--claim.Open > 0) return;
            var now = _time.GetTimestamp();
            claim.ReleasedAt = now;
            _released.Enqueue((clientId, claim, now));
            Sweep(now);
        }
    }

    /// <summary>Lets go of the ids whose hold ran out, and of the oldest released ones past <see cref="MaxReleased"/>.</summary>
    private void Sweep(long now)
    {
        while (_released.TryPeek(out var next) && (_time.GetElapsedTime(next.Stamp, now) >= Hold || _released.Count > MaxReleased))
        {
            _released.Dequeue();
            // Reclaimed since (open again, or released again later): the newer entry decides.
            if (next.Claim.Open == 0 && next.Claim.ReleasedAt == next.Stamp && _claims.TryGetValue(next.Id, out var current) && current == next.Claim)
                _claims.Remove(next.Id);
        }
    }

    private sealed class Claim(string? owner)
    {
        public string? Owner { get; } = owner;

        public int Open;

        public long ReleasedAt;
    }

    private sealed class Lease(ClientIdOwners owners, string clientId, Claim claim) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owners.Release(clientId, claim);
        }
    }
}

using System.Collections.Concurrent;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Bounds the streaming connections (WebSocket and SSE clients) the server holds: in total, and per client address,
/// the only identity an anonymous client has. One client opening thousands of streams cannot take every other client's
/// room; a connection over a bound is refused (503 with <c>Retry-After</c>) and counted by reason.
/// </summary>
public sealed class ConnectionLimiter(int maxTotal, int maxPerAddress)
{
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private int _total;
    private long _refusedTotal;
    private long _refusedPerAddress;

    public int MaxTotal { get; } = maxTotal;

    public int MaxPerAddress { get; } = maxPerAddress;

    /// <summary>Open connections now.</summary>
    public int Open => Volatile.Read(ref _total);

    /// <summary>Refusals so far: over <see cref="MaxTotal"/>, over <see cref="MaxPerAddress"/>.</summary>
    public (long Total, long PerAddress) Refused => (Interlocked.Read(ref _refusedTotal), Interlocked.Read(ref _refusedPerAddress));

    /// <summary>A lease on one connection for <paramref name="address"/>, released when disposed; null, with the setting that refused it, when over a bound.</summary>
    public IDisposable? TryOpen(string? address, out string? refusal)
    {
        refusal = null;
        var key = address ?? "";
        if (Interlocked.Increment(ref _total) > MaxTotal)
        {
            Interlocked.Decrement(ref _total);
            Interlocked.Increment(ref _refusedTotal);
            refusal = $"the server holds its maximum of {MaxTotal} streaming connections (Mediation:Security:MaxConnections)";
            return null;
        }
        if (_perAddress.AddOrUpdate(key, 1, static (_, n) => n + 1) > MaxPerAddress)
        {
            Release(key);
            Interlocked.Increment(ref _refusedPerAddress);
            refusal = $"this client address holds its maximum of {MaxPerAddress} streaming connections (Mediation:Security:MaxConnectionsPerAddress)";
            return null;
        }
        return new Lease(this, key);
    }

    private void Release(string key)
    {
        Interlocked.Decrement(ref _total);
        // Removed at zero, so addresses seen once do not pile up.
        while (_perAddress.TryGetValue(key, out var count))
        {
            if (count <= 1 ? _perAddress.TryRemove(new KeyValuePair<string, int>(key, count)) : _perAddress.TryUpdate(key, count - 1, count)) return;
        }
    }

    private sealed class Lease(ConnectionLimiter owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key);
        }
    }
}

using System.Threading.RateLimiting;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// Bounds the streaming connections (WebSocket and SSE clients) the server holds: in total, and per client address,
/// the only identity an anonymous client has. One client opening thousands of streams cannot take every other client's
/// room; a connection over a bound is refused (503 with <c>Retry-After</c>) and counted by reason.
/// </summary>
public sealed class ConnectionLimiter(int maxTotal, int maxPerAddress, int maxPerPrincipal = 0) : IDisposable
{
    private readonly ConcurrencyLimiter _total = new(new ConcurrencyLimiterOptions { PermitLimit = maxTotal, QueueLimit = 0 });

    // Partitions of addresses with no connection left are let go by the library.
    private readonly PartitionedRateLimiter<string> _perAddress = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetConcurrencyLimiter(address, _ => new ConcurrencyLimiterOptions { PermitLimit = maxPerAddress, QueueLimit = 0 }));

    // An authenticated principal's bound, whatever addresses it connects from; anonymous callers have only the address's.
    private readonly PartitionedRateLimiter<string> _perPrincipal = PartitionedRateLimiter.Create<string, string>(principal =>
        RateLimitPartition.GetConcurrencyLimiter(principal, _ => new ConcurrencyLimiterOptions { PermitLimit = Math.Max(maxPerPrincipal, 1), QueueLimit = 0 }));

    private long _refusedTotal;
    private long _refusedPerAddress;
    private long _refusedPerPrincipal;

    public int MaxTotal { get; } = maxTotal;

    public int MaxPerAddress { get; } = maxPerAddress;

    /// <summary>Open connections now.</summary>
    public int Open => MaxTotal - (int)(_total.GetStatistics()?.CurrentAvailablePermits ?? MaxTotal);

    /// <summary>Streaming connections one authenticated principal holds at most; 0: no bound per principal.</summary>
    public int MaxPerPrincipal { get; } = maxPerPrincipal;

    /// <summary>Refusals so far: over <see cref="MaxTotal"/>, over <see cref="MaxPerAddress"/>, over <see cref="MaxPerPrincipal"/>.</summary>
    public (long Total, long PerAddress, long PerPrincipal) Refused =>
        (Interlocked.Read(ref _refusedTotal), Interlocked.Read(ref _refusedPerAddress), Interlocked.Read(ref _refusedPerPrincipal));

    /// <summary>
    /// A lease on one more connection of <paramref name="principal"/> (null when anonymous or unbounded: nothing to
    /// release), or a refusal naming the bound. Taken once the caller is identified, beside <see cref="TryOpen"/>'s.
    /// </summary>
    public bool TryOpenFor(string? principal, out IDisposable? lease, out string? refusal)
    {
        lease = null;
        refusal = null;
        if (principal is null || MaxPerPrincipal <= 0) return true;
        var permit = _perPrincipal.AttemptAcquire(principal);
        if (permit.IsAcquired)
        {
            lease = permit;
            return true;
        }
        permit.Dispose();
        Interlocked.Increment(ref _refusedPerPrincipal);
        refusal = $"'{principal}' holds its maximum of {MaxPerPrincipal} streaming connections (Mediation:Security:MaxConnectionsPerPrincipal)";
        return false;
    }

    /// <summary>A lease on one connection for <paramref name="address"/>, released when disposed; null, with the setting that refused it, when over a bound.</summary>
    public IDisposable? TryOpen(string? address, out string? refusal)
    {
        refusal = null;
        var total = _total.AttemptAcquire();
        if (!total.IsAcquired)
        {
            total.Dispose();
            Interlocked.Increment(ref _refusedTotal);
            refusal = $"the server holds its maximum of {MaxTotal} streaming connections (Mediation:Security:MaxConnections)";
            return null;
        }
        var perAddress = _perAddress.AttemptAcquire(address ?? "");
        if (!perAddress.IsAcquired)
        {
            perAddress.Dispose();
            total.Dispose();
            Interlocked.Increment(ref _refusedPerAddress);
            refusal = $"this client address holds its maximum of {MaxPerAddress} streaming connections (Mediation:Security:MaxConnectionsPerAddress)";
            return null;
        }
        return new Lease(total, perAddress);
    }

    public void Dispose()
    {
        _total.Dispose();
        _perAddress.Dispose();
        _perPrincipal.Dispose();
    }

    private sealed class Lease(RateLimitLease total, RateLimitLease perAddress) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            perAddress.Dispose();
            total.Dispose();
        }
    }
}

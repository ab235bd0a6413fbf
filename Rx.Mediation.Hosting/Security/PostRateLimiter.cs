using System.Threading.RateLimiting;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// POSTs per second per client address, a token bucket each (System.Threading.RateLimiting: buckets of addresses that
/// went quiet are let go by the library). Past the rate a POST gets 429 with <c>Retry-After</c>, before its body is
/// read, and is counted. Off when the rate is 0.
/// </summary>
public sealed class PostRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _buckets;
    private long _refused;

    public PostRateLimiter(int perSecond, int burst)
    {
        PerSecond = perSecond;
        if (perSecond <= 0) return;
        _buckets = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, 1),
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public int PerSecond { get; }

    /// <summary>POSTs refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>True when a POST from <paramref name="address"/> may go on; else how long to wait.</summary>
    public bool TryTake(string? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_buckets is null) return true;
        using var lease = _buckets.AttemptAcquire(address ?? "");
        if (lease.IsAcquired) return true;
        Interlocked.Increment(ref _refused);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _buckets?.Dispose();
}

using System.Threading.RateLimiting;

namespace Rx.Mediation.Hosting.Security;

/// <summary>
/// POSTs per second per client address and per principal, a token bucket each (System.Threading.RateLimiting: buckets
/// that went quiet are let go by the library). The address's bucket is taken before the caller is identified, the
/// principal's after, so one principal cannot outrun its rate from many addresses nor many principals share one
/// address's. Past a rate a POST gets 429 with <c>Retry-After</c>, before its body is read, and is counted by which
/// rate refused it. Each rate is off when 0.
/// </summary>
public sealed class PostRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _addresses;
    private readonly PartitionedRateLimiter<string>? _principals;
    private long _refused;
    private long _refusedPrincipals;

    public PostRateLimiter(int perSecond, int burst, int perPrincipalSecond = 0, int principalBurst = 0)
    {
        PerSecond = perSecond;
        PerPrincipalSecond = perPrincipalSecond;
        _addresses = Buckets(perSecond, burst);
        _principals = Buckets(perPrincipalSecond, principalBurst);
    }

    public int PerSecond { get; }

    public int PerPrincipalSecond { get; }

    /// <summary>POSTs refused so far by the rate per address.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>POSTs refused so far by the rate per principal.</summary>
    public long RefusedPrincipals => Interlocked.Read(ref _refusedPrincipals);

    /// <summary>True when a POST from <paramref name="address"/> may go on; else how long to wait.</summary>
    public bool TryTake(string? address, out TimeSpan retryAfter) => TryTake(_addresses, address ?? "", ref _refused, out retryAfter);

    /// <summary>True when a POST by <paramref name="principal"/> (null: anonymous, not limited here) may go on; else how long to wait.</summary>
    public bool TryTakeFor(string? principal, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return principal is null || TryTake(_principals, principal, ref _refusedPrincipals, out retryAfter);
    }

    public void Dispose()
    {
        _addresses?.Dispose();
        _principals?.Dispose();
    }

    private static bool TryTake(PartitionedRateLimiter<string>? buckets, string key, ref long refused, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (buckets is null) return true;
        using var lease = buckets.AttemptAcquire(key);
        if (lease.IsAcquired) return true;
        Interlocked.Increment(ref refused);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    private static PartitionedRateLimiter<string>? Buckets(int perSecond, int burst) => perSecond <= 0 ? null
        : PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst > 0 ? burst : 2 * perSecond, 1),
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}

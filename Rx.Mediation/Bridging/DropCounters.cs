namespace Rx.Mediation.Bridging;

/// <summary>Lock-free drop counts, one per <see cref="DropReason"/>.</summary>
public sealed class DropCounters
{
    private readonly long[] _counts = new long[DropReasonNames.Count];

    public void Increment(DropReason reason) => Interlocked.Increment(ref _counts[(int)reason]);

    public void Add(DropReason reason, long count) => Interlocked.Add(ref _counts[(int)reason], count);

    public long this[DropReason reason] => Volatile.Read(ref _counts[(int)reason]);

    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++) total += Volatile.Read(ref _counts[i]);
            return total;
        }
    }

    /// <summary>The non-zero counts by reason name.</summary>
    public IReadOnlyDictionary<string, long> ToDictionary()
    {
        var result = new Dictionary<string, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            var count = this[reason];
            if (count != 0) result[reason.ToName()] = count;
        }
        return result;
    }
}

namespace Rx.Mediation.Bridging;

/// <summary>
/// Payload bytes held against a budget: taken and given back from any thread without a lock, so that a buffer's fast
/// path pays one compare-and-swap for its byte budget and nothing more.
/// </summary>
internal sealed class PayloadBudget
{
    private long _held;

    public PayloadBudget(long max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        Max = max;
    }

    public long Max { get; }

    /// <summary>Bytes taken and not yet given back.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>
    /// Takes <paramref name="size"/> bytes if they fit, or if nothing is held at all: one payload larger than the whole
    /// budget then still passes on its own, instead of never passing (the entrypoints' own size limits bound it).
    /// </summary>
    public bool TryTake(long size)
    {
        if (size == 0) return true;
        var held = Volatile.Read(ref _held);
        while (true)
        {
            if (held != 0 && size > Max - held) return false;
            var seen = Interlocked.CompareExchange(ref _held, held + size, held);
            if (seen == held) return true;
            held = seen;
        }
    }

    public void Give(long size)
    {
        if (size != 0) Interlocked.Add(ref _held, -size);
    }

    public override string ToString() => $"{Held} of {Max} bytes";
}

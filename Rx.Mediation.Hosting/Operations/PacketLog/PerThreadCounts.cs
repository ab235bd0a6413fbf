namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// A few exact counters that many threads add to without an interlocked operation: each thread counts in a block of
/// its own (registered on its first count), and a read sums the blocks. Cheaper than <c>Interlocked.Increment</c> on
/// the routes' hot path; a read taken while threads are counting may miss their last increments, a read once they are
/// done is exact.
/// </summary>
internal sealed class PerThreadCounts(int width)
{
    private const int Pad = 8;

    [ThreadStatic]
    private static Block? t_block;

    private readonly object _gate = new();
    private Block[] _blocks = [];

    /// <summary>Adds one to counter <paramref name="index"/> for the calling thread.</summary>
    public void Increment(int index)
    {
        var block = t_block;
        if (block is null || !ReferenceEquals(block.Owner, this)) block = Register();
        // Only this thread writes its block; Volatile so a reader on another thread sees it promptly.
        Volatile.Write(ref block.Counts[Pad + index], block.Counts[Pad + index] + 1);
    }

    public long Sum(int index)
    {
        long total = 0;
        foreach (var block in Volatile.Read(ref _blocks)) total += Volatile.Read(ref block.Counts[Pad + index]);
        return total;
    }

    public long Sum()
    {
        long total = 0;
        for (var i = 0; i < width; i++) total += Sum(i);
        return total;
    }

    private Block Register()
    {
        var thread = Environment.CurrentManagedThreadId;
        Block? block = null;
        lock (_gate)
        {
            // A thread that counted here before (and for another owner since) gets its block back: one block per thread.
            foreach (var known in _blocks)
            {
                if (known.Thread == thread) block = known;
            }
            if (block is null)
            {
                block = new Block(this, thread, width);
                Volatile.Write(ref _blocks, [.. _blocks, block]);
            }
        }
        t_block = block;
        return block;
    }

    private sealed class Block(PerThreadCounts owner, int thread, int width)
    {
        public readonly PerThreadCounts Owner = owner;

        /// <summary>The managed thread that counts here (a later thread with a reused id takes over: the first is gone).</summary>
        public readonly int Thread = thread;

        // Padded (Pad longs before the counts, as many after) so that two threads' counts never share a cache line.
        public readonly long[] Counts = new long[Pad + width + Pad];
    }
}

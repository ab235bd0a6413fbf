namespace Rx.Mediation.Diagnostics;

/// <summary>
/// The taps attached to an engine, as an immutable array swapped on change: a route reads one field per event and,
/// with no tap attached, does nothing more.
/// </summary>
public sealed class FlowTaps
{
    private IFlowTap[] _taps = [];

    public bool IsEmpty => Volatile.Read(ref _taps).Length == 0;

    internal IFlowTap[] Current => Volatile.Read(ref _taps);

    /// <summary>Attaches a tap until the returned handle is disposed.</summary>
    public IDisposable Add(IFlowTap tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        Update(taps => [.. taps, tap]);
        return new Detach(this, tap);
    }

    internal void Publish(in FlowRecord record)
    {
        foreach (var tap in Volatile.Read(ref _taps))
        {
            try
            {
                tap.OnFlow(record);
            }
            catch
            {
                // A tap must not throw (see IFlowTap); if one does anyway, the route goes on: observing never breaks flow.
            }
        }
    }

    private void Update(Func<IFlowTap[], IFlowTap[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _taps);
            if (Interlocked.CompareExchange(ref _taps, change(current), current) == current) return;
        }
    }

    private sealed class Detach(FlowTaps owner, IFlowTap tap) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Update(taps => Array.FindAll(taps, t => !ReferenceEquals(t, tap)));
        }
    }
}

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// The taps attached to an engine, as an immutable array swapped on change: a route reads one field per event and,
/// with no tap attached, does nothing more.
/// </summary>
public sealed class FlowTaps
{
    private IFlowTap[] _taps = [];
    private int _version;

    public bool IsEmpty => Volatile.Read(ref _taps).Length == 0;

    internal IFlowTap[] Current => Volatile.Read(ref _taps);

    /// <summary>Changes whenever taps come or go or <see cref="Refresh"/> is called: routes then ask again.</summary>
    internal int Version => Volatile.Read(ref _version);

    /// <summary>A tap's interests changed (e.g. its settings were reloaded): every route asks the taps again.</summary>
    public void Refresh() => Interlocked.Increment(ref _version);

    internal FlowInterest InterestIn(string route)
    {
        var taps = Current;
        return taps.Length switch
        {
            0 => FlowInterest.Nothing,
            1 => AskSafely(taps[0], route),
            _ => FlowInterest.Union(taps.Select(t => AskSafely(t, route))),
        };
    }

    private static FlowInterest AskSafely(IFlowTap tap, string route)
    {
        try
        {
            return tap.InterestIn(route) ?? FlowInterest.All;
        }
        catch
        {
            return FlowInterest.All; // a tap that cannot say gets everything and filters for itself
        }
    }

    /// <summary>Attaches a tap until the returned handle is disposed.</summary>
    public IDisposable Add(IFlowTap tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        if (tap is IChangingFlowTap changing) changing.InterestChanged += Refresh;
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
            if (Interlocked.CompareExchange(ref _taps, change(current), current) == current)
            {
                Refresh();
                return;
            }
        }
    }

    private sealed class Detach(FlowTaps owner, IFlowTap tap) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (tap is IChangingFlowTap changing) changing.InterestChanged -= owner.Refresh;
            owner.Update(taps => Array.FindAll(taps, t => !ReferenceEquals(t, tap)));
        }
    }
}

using System.Threading.Channels;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// The packet log's tap (docs/operations/packet-log.md): sees every record of every route, keeps those the route's
/// level and sampling ask for, and hands them to its own bounded queue, which <see cref="PacketLogWriter"/> drains to
/// stdout. On the route's thread it costs a reference-compared look-up of the route's settings, a mask test, for a flow
/// stage a sampling test and one counter, and for a kept record a <c>TryWrite</c>. It never blocks: a full queue drops
/// the new line and counts it (<see cref="PacketLogCounters"/>).
/// </summary>
public sealed class PacketLogTap : IChangingFlowTap
{
    // Past this many distinct route names seen since the last settings change, the cache starts over (routes replaced
    // by reloads leave names behind).
    private const int MaxCachedRoutes = 64;

    private readonly Channel<PacketLogEntry> _queue;
    private readonly object _gate = new();
    private PacketLogSettings _settings;
    private RouteSlot[] _slots = [];
    private volatile bool _stopped;

    public PacketLogTap(PacketLogOptions options)
        : this(PacketLogSettings.From(options))
    {
    }

    public PacketLogTap(PacketLogSettings settings)
    {
        _settings = settings;
        Capacity = settings.Capacity;
        _queue = Channel.CreateBounded<PacketLogEntry>(new BoundedChannelOptions(settings.Capacity)
        {
            // Wait makes TryWrite return false when full (nothing waits: a refused line is the "drop new" of this queue).
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        Counters.QueuedFrom(() => _queue.Reader.Count);
    }

    public PacketLogCounters Counters { get; } = new();

    /// <summary>The queue's capacity, fixed at construction.</summary>
    public int Capacity { get; }

    /// <summary>The settings in force.</summary>
    public PacketLogSettings Settings => Volatile.Read(ref _settings);

    internal ChannelReader<PacketLogEntry> Reader => _queue.Reader;

    /// <summary>Raised after <see cref="Apply"/> changed the settings.</summary>
    public event Action? SettingsChanged;

    // Routes cache what the log wants from them (InterestIn): new settings must reach them too.
    event Action? IChangingFlowTap.InterestChanged
    {
        add => SettingsChanged += value;
        remove => SettingsChanged -= value;
    }

    /// <summary>Applies new level and sampling settings from the next record on (the capacity stays what it was at construction).</summary>
    public void Apply(PacketLogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            Volatile.Write(ref _settings, settings);
            Volatile.Write(ref _slots, []);
        }
        SettingsChanged?.Invoke();
    }

    /// <summary>
    /// Tells the route what to skip before it builds a record: stages off for this route, and flow records of events
    /// not sampled (counted here as sampled out, exactly as if they had been offered).
    /// </summary>
    public FlowInterest InterestIn(string route)
    {
        var settings = SettingsOf(route);
        // Each route asks for its own interest, so the drain-side counts in it have one writer.
        return settings.SampledStages == 0
            ? new FlowInterest(settings.Stages)
            : new SampledInterest(settings.Stages, settings.SampledStages, settings.Sampling.Threshold, Counters);
    }

    public void OnFlow(in FlowRecord record)
    {
        var settings = SettingsOf(record.Route);
        var stage = 1 << (int)record.Stage;
        if ((settings.Stages & stage) == 0) return;
        if ((settings.SampledStages & stage) != 0 && !settings.Sampling.Keeps(record.Event.Timestamp.UtcTicks))
        {
            Counters.CountSampledOut(record.Stage);
            return;
        }
        Enqueue(new PacketLogEntry(record.Fixed()));
    }

    /// <summary>An entrypoint dropped an event itself (a slow client's queue overflowed): logged under the default level.</summary>
    public void OnEntrypointDrop(DropRecord drop)
    {
        ArgumentNullException.ThrowIfNull(drop);
        if ((Settings.Default.Stages & 1 << (int)FlowStage.Dropped) == 0) return;
        Enqueue(new PacketLogEntry(new FlowRecord(FlowStage.Dropped, drop.Route, drop.Event, drop.Route, drop.Reason.ToName(), drop.Timestamp), AtEntrypoint: true));
    }

    /// <summary>No more lines are taken (each later one is counted as dropped, reason stopped); the writer drains what is queued.</summary>
    public void Complete()
    {
        _stopped = true;
        _queue.Writer.TryComplete();
    }

    private void Enqueue(in PacketLogEntry entry)
    {
        if (_queue.Writer.TryWrite(entry)) return;
        Counters.CountDropped(_stopped ? PacketLogDropReason.Stopped : PacketLogDropReason.Full);
    }

    private PacketRouteSettings SettingsOf(string route)
    {
        // A route passes the same name instance with every record: comparing references finds it without hashing.
        var slots = Volatile.Read(ref _slots);
        for (var i = 0; i < slots.Length; i++)
        {
            if (ReferenceEquals(slots[i].Name, route)) return slots[i].Settings;
        }
        return Cache(route);
    }

    private PacketRouteSettings Cache(string route)
    {
        lock (_gate)
        {
            var settings = _settings.For(route);
            var slots = _slots.Length >= MaxCachedRoutes ? [] : _slots;
            Volatile.Write(ref _slots, [.. slots, new RouteSlot(route, settings)]);
            return settings;
        }
    }

    private sealed record RouteSlot(string Name, PacketRouteSettings Settings);

    private sealed class SampledInterest(int stages, int sampledStages, ulong threshold, PacketLogCounters counters)
        : FlowInterest(stages, sampledStages, threshold)
    {
        private readonly PacketLogCounters.RouteSampleCounts _drainSide = counters.ForRoute();

        // Received comes from the sources' threads; routed and delivered only from this route's drain.
        protected override void SampledOut(FlowStage stage)
        {
            switch (stage)
            {
                case FlowStage.Routed: _drainSide.CountRouted(); break;
                case FlowStage.Delivered: _drainSide.CountDelivered(); break;
                default: counters.CountSampledOut(stage); break;
            }
        }
    }
}

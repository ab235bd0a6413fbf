using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Text;
using System.Threading.Channels;
using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.Dashboard;

/// <summary>
/// The dashboard's flow tap: turns what routes see (received, routed, dropped, failed; not each delivery) into marbles, at most <see cref="DashboardOptions.MarblesPerSecond"/>
/// per route, stage and second (the rest only counted), into one bounded queue that <see cref="Drain"/> empties.
/// <para>
/// On a route's hot path it costs a dictionary lookup and two interlocked adds, and one small allocation for a marble
/// that is kept; it never blocks and never throws (see <see cref="IFlowTap"/>). The per-second windows are approximate
/// under contention (a window may let a few more or fewer through as it turns over), which is all sampling needs.
/// </para>
/// </summary>
public sealed class MarbleTap : IFlowTap
{
    private static readonly int StageCount = Enum.GetValues<FlowStage>().Length;

    private readonly ConcurrentDictionary<string, RouteMeter> _meters = new(StringComparer.Ordinal);
    private readonly Channel<Marble> _queue;
    private readonly IScheduler _clock;
    private readonly int _perSecond;
    private readonly int _labelLength;
    private long _overflow;

    public MarbleTap(DashboardOptions options, IScheduler clock)
    {
        _clock = clock;
        _perSecond = options.MarblesPerSecond;
        _labelLength = options.LabelLength;
        _queue = Channel.CreateBounded<Marble>(new BoundedChannelOptions(options.MarbleQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false instead of waiting: counted as overflow
            SingleReader = true,
            SingleWriter = false,
        });
    }

    // The view draws what enters (received, dropped) and what leaves (routed, failed); a delivery per target adds
    // nothing to see, so routes are told not to build those records at all.
    private static readonly FlowInterest Drawn = new(FlowInterest.AllStages & ~FlowInterest.Bit(FlowStage.Delivered));

    public FlowInterest InterestIn(string route) => Drawn;

    public void OnFlow(in FlowRecord record)
    {
        // Still checked: beside another tap that wants deliveries, this one receives them too (see IFlowTap.InterestIn).
        if (record.Stage == FlowStage.Delivered) return;
        var stage = (int)record.Stage;
        if ((uint)stage >= (uint)StageCount) return;
        var meter = _meters.GetOrAdd(record.Route, static _ => new RouteMeter(StageCount));
        if (!meter.TryTake(stage, _clock.Now.UtcTicks / TimeSpan.TicksPerSecond, _perSecond)) return;
        var value = record.Event;
        var marble = new Marble(
            record.Route,
            record.Stage.ToName(),
            record.Timestamp.ToUnixTimeMilliseconds(),
            value.Id,
            value.Topic,
            record.Node,
            record.Reason,
            value.Weight,
            Label(value));
        if (!_queue.Writer.TryWrite(marble)) Interlocked.Increment(ref _overflow);
    }

    /// <summary>Takes what was sampled since the last call, what was counted instead of sent, and the queue's overflow.</summary>
    public MarbleBatch Drain()
    {
        var marbles = new List<Marble>();
        while (_queue.Reader.TryRead(out var marble)) marbles.Add(marble);
        var suppressed = new List<SuppressedCount>();
        foreach (var (route, meter) in _meters)
        {
            for (var stage = 0; stage < StageCount; stage++)
            {
                var count = meter.TakeSuppressed(stage);
                if (count > 0) suppressed.Add(new SuppressedCount(route, ((FlowStage)stage).ToName(), count));
            }
        }
        return new MarbleBatch(marbles, suppressed, Interlocked.Exchange(ref _overflow, 0));
    }

    private string? Label(Rx.Mediation.Events.Event value)
    {
        if (value.Weight > 1) return $"batch of {value.Weight}";
        var payload = value.Payload.Span;
        if (payload.IsEmpty) return null;
        // Enough bytes for the label in any script; a character cut at the end decodes as U+FFFD, which is only shown.
        var head = payload[..Math.Min(payload.Length, _labelLength * 4)];
        var text = Encoding.UTF8.GetString(head);
        var builder = new StringBuilder(Math.Min(text.Length, _labelLength + 1));
        foreach (var c in text)
        {
            if (builder.Length == _labelLength)
            {
                builder.Append('…');
                break;
            }
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString();
    }

    /// <summary>One route's windows: per stage, what was let through this second and what was counted instead.</summary>
    private sealed class RouteMeter(int stages)
    {
        private readonly int[] _taken = new int[stages];
        private readonly long[] _suppressed = new long[stages];
        private long _second = long.MinValue;

        public bool TryTake(int stage, long second, int perSecond)
        {
            var current = Volatile.Read(ref _second);
            if (second > current && Interlocked.CompareExchange(ref _second, second, current) == current)
            {
                for (var i = 0; i < _taken.Length; i++) Volatile.Write(ref _taken[i], 0);
            }
            if (Interlocked.Increment(ref _taken[stage]) <= perSecond) return true;
            Interlocked.Increment(ref _suppressed[stage]);
            return false;
        }

        public long TakeSuppressed(int stage) => Interlocked.Exchange(ref _suppressed[stage], 0);
    }
}

/// <summary>One sighting as the dashboard draws it; <c>T</c> is milliseconds since the Unix epoch on the route's clock.</summary>
public sealed record Marble(string Route, string Stage, long T, string Id, string Topic, string? Node, string? Reason, int Weight, string? Label);

/// <summary>How many sightings of a route's stage were counted but not sent (over the per-second cap).</summary>
public sealed record SuppressedCount(string Route, string Stage, long Count);

/// <summary>What the stream sends as its <c>marbles</c> event.</summary>
public sealed record MarbleBatch(IReadOnlyList<Marble> Marbles, IReadOnlyList<SuppressedCount> Suppressed, long Overflow)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Marbles.Count == 0 && Suppressed.Count == 0 && Overflow == 0;
}

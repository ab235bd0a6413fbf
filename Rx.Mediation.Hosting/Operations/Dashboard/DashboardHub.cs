using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting.Admin;

namespace Rx.Mediation.Hosting.Operations.Dashboard;

/// <summary>
/// Feeds the dashboard's viewers. While at least one is connected it keeps a <see cref="MarbleTap"/> attached to the
/// engine, sends the sampled marbles every <see cref="DashboardOptions.FlushInterval"/> and a snapshot (the admin API's
/// records) every <see cref="DashboardOptions.SnapshotInterval"/>, both timed on the given scheduler. Each message is
/// serialized once, as a complete SSE frame, and offered to every viewer's bounded queue; with no viewer, nothing is
/// attached and nothing runs.
/// </summary>
public sealed class DashboardHub : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly MediationEngine _engine;
    private readonly AdminSnapshotBuilder _snapshots;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly List<DashboardViewer> _viewers = [];
    private DashboardViewer[] _current = [];
    private IDisposable? _running;
    private bool _disposed;

    public DashboardHub(MediationEngine engine, AdminSnapshotBuilder snapshots, DashboardOptions options, IScheduler scheduler, ILogger<DashboardHub> logger)
    {
        _engine = engine;
        _snapshots = snapshots;
        Options = options;
        _scheduler = scheduler;
        _logger = logger;
    }

    public DashboardOptions Options { get; }

    public int ViewerCount => Volatile.Read(ref _current).Length;

    /// <summary>Whether the marble tap is attached now (only while someone watches).</summary>
    public bool IsTapping
    {
        get { lock (_gate) return _running is not null; }
    }

    /// <summary>Adds a viewer, its first message already queued (a snapshot); null when <see cref="DashboardOptions.MaxViewers"/> watch already.</summary>
    public DashboardViewer? Join()
    {
        var viewer = new DashboardViewer(this, Options.ViewerQueueCapacity);
        viewer.Offer(Frame("snapshot", _snapshots.Build()));
        lock (_gate)
        {
            if (_disposed || _viewers.Count >= Options.MaxViewers) return null;
            _viewers.Add(viewer);
            Volatile.Write(ref _current, [.. _viewers]);
            if (_running is null) _running = Start();
        }
        _logger.LogInformation("Dashboard viewer joined ({Viewers} watching)", ViewerCount);
        return viewer;
    }

    internal void Leave(DashboardViewer viewer)
    {
        IDisposable? stop = null;
        lock (_gate)
        {
            if (!_viewers.Remove(viewer)) return;
            Volatile.Write(ref _current, [.. _viewers]);
            if (_viewers.Count == 0)
            {
                stop = _running;
                _running = null;
            }
        }
        stop?.Dispose();
        _logger.LogInformation("Dashboard viewer left ({Viewers} watching, {Dropped} messages it could not keep up with)", ViewerCount, viewer.Dropped);
    }

    /// <summary>Sends what the tap sampled since the last flush (the timer calls it; tests may too).</summary>
    public void FlushMarbles(MarbleTap tap)
    {
        var batch = tap.Drain();
        if (!batch.IsEmpty) Broadcast(Frame("marbles", batch));
    }

    /// <summary>Sends a snapshot to every viewer (the timer calls it; tests may too).</summary>
    public void SendSnapshot() => Broadcast(Frame("snapshot", _snapshots.Build()));

    /// <summary>Ends every viewer's stream (the server is stopping).</summary>
    public void Dispose()
    {
        DashboardViewer[] viewers;
        IDisposable? stop;
        lock (_gate)
        {
            _disposed = true;
            viewers = [.. _viewers];
            stop = _running;
            _running = null;
        }
        stop?.Dispose();
        foreach (var viewer in viewers) viewer.Complete();
    }

    private IDisposable Start()
    {
        var tap = new MarbleTap(Options, _scheduler);
        var detach = _engine.Tap(tap);
        var flush = Observable.Interval(Options.FlushInterval, _scheduler).Subscribe(_ => Guard("marbles", () => FlushMarbles(tap)));
        var snapshot = Observable.Interval(Options.SnapshotInterval, _scheduler).Subscribe(_ => Guard("snapshot", SendSnapshot));
        return new Stop(detach, flush, snapshot);
    }

    private void Broadcast(byte[] frame)
    {
        foreach (var viewer in Volatile.Read(ref _current)) viewer.Offer(frame);
    }

    // A timer callback that threw would end its timer (and, on a pool thread, the process): log and go on.
    private void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Dashboard could not send its {Message} message: {Reason}", what, ex.Message);
        }
    }

    internal static byte[] Frame(string name, object payload)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json);
        var head = Encoding.UTF8.GetBytes($"event: {name}\ndata: ");
        var frame = new byte[head.Length + json.Length + 2];
        head.CopyTo(frame, 0);
        json.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }

    private sealed class Stop(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}

/// <summary>One connected dashboard: a bounded queue of ready SSE frames; what does not fit is dropped and counted.</summary>
public sealed class DashboardViewer : IDisposable
{
    private readonly DashboardHub _hub;
    private readonly Channel<byte[]> _queue;
    private long _dropped;

    internal DashboardViewer(DashboardHub hub, int capacity)
    {
        _hub = hub;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Messages this viewer lost because it read too slowly.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<byte[]> Reader => _queue.Reader;

    internal void Offer(byte[] frame)
    {
        if (!_queue.Writer.TryWrite(frame)) Interlocked.Increment(ref _dropped);
    }

    internal void Complete() => _queue.Writer.TryComplete();

    public void Dispose()
    {
        Complete();
        _hub.Leave(this);
    }
}

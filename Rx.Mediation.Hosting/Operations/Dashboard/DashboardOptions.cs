namespace Rx.Mediation.Hosting.Operations.Dashboard;

/// <summary>
/// Limits of the dashboard's live stream (<c>/ui/stream</c>), so that a flood of events can overwhelm neither the
/// browser nor the server: marbles are sampled per route and stage, batched, and each viewer has a bounded queue.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>Marbles sent per route, per stage (received, routed, delivered, dropped, failed) and second; the rest are counted, not sent.</summary>
    public int MarblesPerSecond { get; set; } = 50;

    /// <summary>Marbles waiting between two flushes, all routes together; beyond it they are counted as overflow.</summary>
    public int MarbleQueueCapacity { get; set; } = 4096;

    /// <summary>How often the sampled marbles are sent as one batch.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a snapshot (the admin API's records) is sent.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages queued for one viewer; a viewer that falls further behind loses messages, counted and told.</summary>
    public int ViewerQueueCapacity { get; set; } = 64;

    /// <summary>Viewers connected at once; one more is answered 503.</summary>
    public int MaxViewers { get; set; } = 16;

    /// <summary>Characters of an event's text shown on its marble.</summary>
    public int LabelLength { get; set; } = 24;
}

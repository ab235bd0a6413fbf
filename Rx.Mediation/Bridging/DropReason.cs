namespace Rx.Mediation.Bridging;

/// <summary>Why an event was dropped. Every drop has exactly one reason and is counted under it.</summary>
public enum DropReason
{
    DropHead,
    DropTail,
    DropNew,
    DropBuffer,
    BackpressureTimeout,
    /// <summary>The waiting line of a backpressured bridge was full too (sources that cannot await).</summary>
    BackpressureOverflow,
    /// <summary>The bridge overflowed under <see cref="OverflowStrategy.Fail"/>.</summary>
    Overflow,
    /// <summary>Offered to a route that had already failed.</summary>
    RouteFailed,
    /// <summary>Offered to a route that is stopping or stopped.</summary>
    Stopped,
    /// <summary>Left in a bridge that could not drain within the stop timeout.</summary>
    DrainTimeout,
    /// <summary>The source gave up waiting (e.g. the HTTP client went away) before the bridge had room.</summary>
    Cancelled,
    /// <summary>A client's own send queue overflowed (slow web client).</summary>
    SlowClient,
    /// <summary>
    /// Holding the event would have taken the bridge past its byte budget (<see cref="BridgeOptions.MaxBytes"/>): the
    /// arriving event was refused, or older ones were evicted to make room for it (drop-head, drop-buffer).
    /// </summary>
    ByteBudget,
    /// <summary>A web entrypoint's buffer (SSE replay, poll) let an event no client had go: its topic held as many events as it may.</summary>
    BufferTopicEvents,
    /// <summary>As <see cref="BufferTopicEvents"/>: its topic held as many bytes as it may.</summary>
    BufferTopicBytes,
    /// <summary>As <see cref="BufferTopicEvents"/>: the buffer held as many bytes as it may, across topics.</summary>
    BufferBytes,
    /// <summary>As <see cref="BufferTopicEvents"/>: the buffer held as many topics as it may, and forgot the stalest.</summary>
    BufferTopics,
}

public static class DropReasonNames
{
    public static readonly int Count = Enum.GetValues<DropReason>().Length;

    /// <summary>A web entrypoint's buffer let go an event no client had (retention), rather than a subscriber missing one.</summary>
    public static bool IsBufferEviction(this DropReason reason) =>
        reason is DropReason.BufferTopicEvents or DropReason.BufferTopicBytes or DropReason.BufferBytes or DropReason.BufferTopics;

    public static string ToName(this DropReason reason) => reason switch
    {
        DropReason.DropHead => "drop-head",
        DropReason.DropTail => "drop-tail",
        DropReason.DropNew => "drop-new",
        DropReason.DropBuffer => "drop-buffer",
        DropReason.BackpressureTimeout => "backpressure-timeout",
        DropReason.BackpressureOverflow => "backpressure-overflow",
        DropReason.Overflow => "overflow",
        DropReason.RouteFailed => "route-failed",
        DropReason.Stopped => "stopped",
        DropReason.DrainTimeout => "drain-timeout",
        DropReason.Cancelled => "cancelled",
        DropReason.SlowClient => "slow-client",
        DropReason.ByteBudget => "byte-budget",
        DropReason.BufferTopicEvents => "buffer-topic-events",
        DropReason.BufferTopicBytes => "buffer-topic-bytes",
        DropReason.BufferBytes => "buffer-bytes",
        DropReason.BufferTopics => "buffer-topics",
        _ => reason.ToString(),
    };
}

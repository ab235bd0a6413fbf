namespace Rx.Mediation.Bridging;

/// <summary>Size and overflow behaviour of a route's inbound bridge.</summary>
public sealed record BridgeOptions
{
    public static BridgeOptions Default { get; } = new();

    /// <summary>How many events the bridge holds before its <see cref="Overflow"/> strategy applies.</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>
    /// How many payload bytes the bridge holds before its <see cref="Overflow"/> strategy applies, whichever of this and
    /// <see cref="Capacity"/> is reached first. Under backpressure the waiting line holds as much again (as it holds up to
    /// <see cref="Capacity"/> sources). One event larger than the whole budget is still taken when the bridge holds
    /// nothing else, so a budget below the largest event an entrypoint accepts slows such events down but never bars them.
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>
    /// 32 MiB: the default configuration's two routes, each with a waiting line as large again under backpressure, hold
    /// at most 128 MiB of client payload between them, a quarter of the 512 MiB the server is sized to stay under.
    /// </summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    public OverflowStrategy Overflow { get; init; } = OverflowStrategy.Backpressure;

    /// <summary>How long a source may wait for room under <see cref="OverflowStrategy.Backpressure"/> before the event is dropped.</summary>
    public TimeSpan BackpressureTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What an entrypoint tells a refused client to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is out of range.</summary>
    public BridgeOptions Validate()
    {
        if (Capacity < 1) throw new ArgumentException($"bridge capacity must be at least 1, got {Capacity}", nameof(Capacity));
        if (MaxBytes < 1) throw new ArgumentException($"bridge max-bytes must be at least 1, got {MaxBytes}", nameof(MaxBytes));
        if (!Enum.IsDefined(Overflow)) throw new ArgumentException($"unknown overflow strategy {(int)Overflow}", nameof(Overflow));
        if (BackpressureTimeout < TimeSpan.Zero) throw new ArgumentException($"backpressure timeout must not be negative, got {BackpressureTimeout}", nameof(BackpressureTimeout));
        if (RetryAfter < TimeSpan.Zero) throw new ArgumentException($"retry-after must not be negative, got {RetryAfter}", nameof(RetryAfter));
        return this;
    }
}

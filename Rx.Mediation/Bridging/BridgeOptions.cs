namespace Rx.Mediation.Bridging;

/// <summary>Size and overflow behaviour of a route's inbound bridge.</summary>
public sealed record BridgeOptions
{
    public static BridgeOptions Default { get; } = new();

    /// <summary>How many events the bridge holds before its <see cref="Overflow"/> strategy applies.</summary>
    public int Capacity { get; init; } = 1024;

    public OverflowStrategy Overflow { get; init; } = OverflowStrategy.Backpressure;

    /// <summary>How long a source may wait for room under <see cref="OverflowStrategy.Backpressure"/> before the event is dropped.</summary>
    public TimeSpan BackpressureTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What an entrypoint tells a refused client to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is out of range.</summary>
    public BridgeOptions Validate()
    {
        if (Capacity < 1) throw new ArgumentException($"bridge capacity must be at least 1, got {Capacity}", nameof(Capacity));
        if (!Enum.IsDefined(Overflow)) throw new ArgumentException($"unknown overflow strategy {(int)Overflow}", nameof(Overflow));
        if (BackpressureTimeout < TimeSpan.Zero) throw new ArgumentException($"backpressure timeout must not be negative, got {BackpressureTimeout}", nameof(BackpressureTimeout));
        if (RetryAfter < TimeSpan.Zero) throw new ArgumentException($"retry-after must not be negative, got {RetryAfter}", nameof(RetryAfter));
        return this;
    }
}

using Rx.Mediation.Bridging;

namespace Rx.Mediation.Hosting.Options;

/// <summary>A route's bridge as configured; <see cref="Overflow"/> takes the kebab-case names (drop-new, backpressure…).</summary>
public sealed class BridgeSettings
{
    public int Capacity { get; set; } = BridgeOptions.Default.Capacity;

    /// <summary>Payload bytes the bridge holds, at most (see <see cref="BridgeOptions.MaxBytes"/>).</summary>
    public long MaxBytes { get; set; } = BridgeOptions.Default.MaxBytes;

    public string Overflow { get; set; } = BridgeOptions.Default.Overflow.ToName();

    public TimeSpan BackpressureTimeout { get; set; } = BridgeOptions.Default.BackpressureTimeout;

    public TimeSpan RetryAfter { get; set; } = BridgeOptions.Default.RetryAfter;

    public BridgeOptions ToBridgeOptions(string route)
    {
        if (!OverflowStrategyNames.TryParse(Overflow, out var strategy))
        {
            throw new SettingsException(
                $"Mediation:Routes:{route}:Bridge:Overflow: unknown strategy '{Overflow}' (use drop-head, drop-tail, drop-new, drop-buffer, backpressure or fail)");
        }
        if (MaxBytes < 1) throw new InvalidOperationException($"Mediation:Routes:{route}:Bridge:MaxBytes: must be at least 1 byte, got {MaxBytes}");
        return new BridgeOptions { Capacity = Capacity, MaxBytes = MaxBytes, Overflow = strategy, BackpressureTimeout = BackpressureTimeout, RetryAfter = RetryAfter };
    }
}

namespace Rx.Mediation.Bridging;

/// <summary>The fault of a route whose bridge overflowed under <see cref="OverflowStrategy.Fail"/>.</summary>
/// <param name="maxBytes">The byte budget, when that is what overflowed; null when it was the count.</param>
public sealed class BridgeOverflowException(string route, int capacity, long? maxBytes = null)
    : Exception(maxBytes is { } bytes
        ? $"route '{route}': bridge overflowed its byte budget of {bytes} bytes under the 'fail' strategy"
        : $"route '{route}': bridge overflowed its capacity of {capacity} under the 'fail' strategy")
{
    public string Route { get; } = route;

    public int Capacity { get; } = capacity;

    /// <summary>The byte budget, when that is what overflowed; null when it was the count.</summary>
    public long? MaxBytes { get; } = maxBytes;
}

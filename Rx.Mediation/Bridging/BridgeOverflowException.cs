namespace Rx.Mediation.Bridging;

/// <summary>The fault of a route whose bridge overflowed under <see cref="OverflowStrategy.Fail"/>.</summary>
public sealed class BridgeOverflowException(string route, int capacity)
    : Exception($"route '{route}': bridge overflowed its capacity of {capacity} under the 'fail' strategy")
{
    public string Route { get; } = route;

    public int Capacity { get; } = capacity;
}

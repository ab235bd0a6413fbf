namespace Rx.Mediation.Mqtt;

/// <summary>
/// How many publishes may await the broker's acknowledgement at once. The limit is the endpoint's <c>MaxInFlight</c>,
/// lowered on each connect to the broker's Receive Maximum (a broker disconnects a client that sends more QoS 1/2
/// publishes than that, and MQTTnet does not hold back by itself).
/// </summary>
internal sealed class PublishWindow(int size)
{
    private readonly int _size = size;
    private readonly object _gate = new();
    private int _limit = size;
    private int _inUse;
    private TaskCompletionSource? _freed;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                if (_inUse < _limit)
                {
                    _inUse++;
                    return;
                }
                _freed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                freed = _freed.Task;
            }
            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Release()
    {
        lock (_gate) _inUse--;
        Signal();
    }

    /// <summary>At most <paramref name="limit"/> from now on (never above the configured size).</summary>
    public void Limit(int limit)
    {
        lock (_gate) _limit = Math.Clamp(limit, 1, _size);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource? freed;
        lock (_gate)
        {
            freed = _freed;
            _freed = null;
        }
        freed?.TrySetResult();
    }
}

namespace Rx.Mediation.Connectors.Sending;

/// <summary>
/// How many sends may await the broker's answer at once: the endpoint's <c>MaxInFlight</c>, which a connector may lower
/// on each connect to what the broker allows (MQTT's Receive Maximum: a broker disconnects a client that sends more).
/// </summary>
public sealed class SendWindow
{
    private readonly int _size;
    private readonly object _gate = new();
    private int _limit;
    private int _inUse;
    private TaskCompletionSource? _freed;

    public SendWindow(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _size = _limit = size;
    }

    /// <summary>Sends holding a place now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    public async Task EnterAsync(CancellationToken cancellationToken)
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
                freed = Freed();
            }
            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Exit()
    {
        TaskCompletionSource? freed;
        lock (_gate)
        {
            _inUse--;
            freed = _freed;
            _freed = null;
        }
        freed?.TrySetResult();
    }

    /// <summary>At most <paramref name="limit"/> from now on (never above the configured size, never below 1).</summary>
    public void Limit(int limit)
    {
        lock (_gate) _limit = Math.Clamp(limit, 1, _size);
        Signal();
    }

    /// <summary>Completes when no send holds a place.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                if (_inUse == 0) return;
                freed = Freed();
            }
            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task Freed() => (_freed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

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

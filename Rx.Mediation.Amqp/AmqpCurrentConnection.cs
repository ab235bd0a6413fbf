namespace Rx.Mediation.Amqp;

/// <summary>
/// The connection an endpoint's links are on now, for whatever has to wait for the broker: sends wait here while the
/// endpoint reconnects, and a send whose connection was lost waits for the next one, never the one that failed.
/// </summary>
internal sealed class AmqpCurrentConnection
{
    private readonly object _gate = new();
    private TaskCompletionSource<AmqpLinks> _current = NewSignal();

    public void Opened(AmqpLinks links)
    {
        lock (_gate)
        {
            // Lost before it was announced: announcing it would have waiters retry a dead connection.
            if (links.Lost.IsCompleted) return;
            if (_current.Task.IsCompleted) _current = NewSignal();
            _current.TrySetResult(links);
        }
    }

    /// <summary>Forgets <paramref name="links"/> before anyone waiting on its <see cref="AmqpLinks.Lost"/> resumes.</summary>
    public void Lost(AmqpLinks links, string reason)
    {
        lock (_gate)
        {
            if (_current.Task.IsCompletedSuccessfully && _current.Task.Result == links) _current = NewSignal();
            links.MarkLost(reason);
        }
    }

    /// <summary>The open connection, other than <paramref name="notThis"/>; completes at once when there is one.</summary>
    public async Task<AmqpLinks> WaitAsync(AmqpLinks? notThis, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<AmqpLinks> current;
            lock (_gate) current = _current.Task;
            var links = await current.WaitAsync(cancellationToken);
            if (links != notThis && !links.IsLost) return links;
            await links.Lost.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource<AmqpLinks> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

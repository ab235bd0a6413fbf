using System.Collections.Concurrent;
using Rx.Mediation.Hosting.Clients;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// The open sessions of one entrypoint, so shutdown can end them: first gracefully (each outbox is completed, its
/// writer sends what is queued and ends the stream; long polls answer at once), then, after a grace period, by force.
/// </summary>
public sealed class ClientSessions
{
    private readonly ConcurrentDictionary<Session, byte> _open = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _empty = NewSignal(completed: true);
    private readonly object _gate = new();

    public int Count => _open.Count;

    /// <summary>Cancelled when the server asks sessions to finish (long polls answer now).</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Cancelled when sessions that did not finish in time must stop writing.</summary>
    public CancellationToken Aborting => _abort.Token;

    /// <summary>Tracks a session until the lease is disposed; its outbox, if any, is completed at shutdown.</summary>
    public IDisposable Open(ClientOutbox? outbox = null)
    {
        var session = new Session(this, outbox);
        lock (_gate)
        {
            if (_open.IsEmpty) _empty = NewSignal(completed: false);
            _open.TryAdd(session, 0);
        }
        // A session opened while closing already began must not be forgotten by CloseAllAsync.
        if (_closing.IsCancellationRequested) outbox?.Close();
        return session;
    }

    public async Task CloseAllAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        _closing.Cancel();
        foreach (var session in _open.Keys) session.Outbox?.Close();
        Task empty;
        lock (_gate) empty = _empty.Task;
        try
        {
            await empty.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Abort();
        }
    }

    public void Abort()
    {
        _closing.Cancel();
        _abort.Cancel();
    }

    private void Close(Session session)
    {
        lock (_gate)
        {
            if (_open.TryRemove(session, out _) && _open.IsEmpty) _empty.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) signal.SetResult();
        return signal;
    }

    private sealed class Session(ClientSessions owner, ClientOutbox? outbox) : IDisposable
    {
        public ClientOutbox? Outbox { get; } = outbox;

        public void Dispose() => owner.Close(this);
    }
}

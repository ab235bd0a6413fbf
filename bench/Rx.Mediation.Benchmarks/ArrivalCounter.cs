using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// The consumer end of every benchmark: counts what arrives and releases the waiting benchmark thread once the
/// expected number has. It allocates nothing per event. A wrong topic or a late surplus fails the run.
/// </summary>
public sealed class ArrivalCounter(string? expectedTopic) : IObserver<Event>
{
    private readonly ManualResetEventSlim _done = new(false);
    private int _count;
    private int _target = int.MaxValue;
    private int _wrongTopic;
    private Exception? _error;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Arms the counter for the next invocation, after checking that the previous one got no late extras.</summary>
    public void Arm(int target)
    {
        var previous = Volatile.Read(ref _target);
        if (previous != int.MaxValue && Count != previous)
            throw new InvalidOperationException($"{Count} events arrived for an invocation that sent {previous}");
        _done.Reset();
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _target, target);
    }

    /// <summary>Blocks until every expected event has arrived; throws if they do not within <paramref name="timeout"/>.</summary>
    public void WaitForAll(TimeSpan timeout, string what)
    {
        if (!_done.Wait(timeout))
            throw new TimeoutException($"{what}: only {Count} of {Volatile.Read(ref _target)} events arrived within {timeout}");
        if (_error is not null) throw new InvalidOperationException($"{what}: the consumer failed", _error);
        if (Volatile.Read(ref _wrongTopic) != 0) throw new InvalidOperationException($"{what}: {_wrongTopic} events arrived with a wrong topic");
    }

    public void OnNext(Event value)
    {
        if (expectedTopic is not null && !string.Equals(value.Topic, expectedTopic, StringComparison.Ordinal))
            Interlocked.Increment(ref _wrongTopic);
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _target)) _done.Set();
    }

    public void OnError(Exception error)
    {
        _error = error;
        _done.Set();
    }

    public void OnCompleted() { }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Rx.Mediation.Connectors.Sending;
using Rx.Mediation.Events;

namespace Rx.Mediation.Connectors.Specs.Sending;

/// <summary>
/// A broker client whose answers the spec scripts, to pin down what the shared pipeline does with each answer. The
/// connectors' specs check the same pipeline against the real brokers; this stands in only for answers a real broker
/// cannot be made to give on demand (a nack now, a timeout then).
/// </summary>
internal sealed class ScriptedBroker : IBrokerSender<string>
{
    private readonly object _gate = new();
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What each attempt gets, by payload and attempt number (1-based); default: acknowledged at once.</summary>
    public Func<string, int, ValueTask<SendResult>> Answer { get; set; } = (_, _) => ValueTask.FromResult(SendResult.Acknowledged);

    /// <summary>Every attempt, in the order made: the message's payload.</summary>
    public ConcurrentQueue<string> Attempts { get; } = new();

    public ConcurrentDictionary<string, int> AttemptsPerMessage { get; } = new();

    public ScriptedBroker Connected()
    {
        lock (_gate) _ready.TrySetResult();
        return this;
    }

    public void Disconnected()
    {
        lock (_gate)
        {
            if (_ready.Task.IsCompleted) _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public bool TryPrepare(Event value, [MaybeNullWhen(false)] out string message, [NotNullWhen(false)] out string? problem)
    {
        message = null;
        problem = null;
        if (value.Topic.StartsWith("bad/", StringComparison.Ordinal))
        {
            problem = $"topic {value.Topic} cannot be published";
            return false;
        }
        message = System.Text.Encoding.UTF8.GetString(value.Payload.Span);
        return true;
    }

    public ValueTask WhenReadyAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_gate) ready = _ready.Task;
        return new(ready.WaitAsync(cancellationToken));
    }

    public ValueTask<SendResult> SendAsync(string message, CancellationToken cancellationToken)
    {
        Attempts.Enqueue(message);
        var attempt = AttemptsPerMessage.AddOrUpdate(message, 1, (_, n) => n + 1);
        return Answer(message, attempt);
    }
}

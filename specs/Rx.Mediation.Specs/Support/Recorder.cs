using System.Collections.Concurrent;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Specs.Support;

/// <summary>A node for specs: what routes send to it is recorded; <see cref="Emit"/> makes it receive.</summary>
public sealed class RecordingNode(string name) : MediationNode(name), IEndpoint
{
    private readonly ConcurrentQueue<Event> _received = new();

    public Func<Event, bool>? FailWhen { get; set; }

    public IReadOnlyList<Event> Sent => [.. _received];

    public IReadOnlyList<string> SentTexts => Sent.Select(e => e.Text).ToList();

    public int SentCount => _received.Count;

    public override void OnNext(Event value)
    {
        if (FailWhen?.Invoke(value) == true) throw new InvalidOperationException($"{Name} refuses {value.Text}");
        _received.Enqueue(value);
    }

    public Admission Emit(string text, string topic = "t", string? clientId = null) =>
        Receive(Event.FromText(Name, topic, text, clientId: clientId));

    public Admission Emit(Event value) => Receive(value);

    public ValueTask<Admission> EmitAsync(string text, string topic = "t", CancellationToken cancellationToken = default) =>
        ReceiveAsync(Event.FromText(Name, topic, text), cancellationToken);

    public void CompleteInbound() => Inbound.Complete();

    public void FailInbound(Exception error) => Inbound.Fail(error);
}

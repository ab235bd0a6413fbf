using System.Collections.Concurrent;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Specs.Support;

/// <summary>An endpoint that queues what routes send it and sends only when told, as one waiting for its broker.</summary>
public sealed class QueueingNode(string name, OutboundPressure pressure) : MediationNode(name), IEndpoint
{
    private readonly ConcurrentQueue<string> _queued = new();
    private readonly ConcurrentQueue<string> _sent = new();

    public override OutboundPressure Pressure { get; } = pressure;

    public IReadOnlyList<string> QueuedTexts => [.. _queued];

    public int SentCount => _sent.Count;

    public IReadOnlyList<string> SentTexts => [.. _sent];

    public override void OnNext(Event value)
    {
        _queued.Enqueue(value.Text);
        Pressure.Add();
    }

    public void SendAll()
    {
        while (_queued.TryDequeue(out var text))
        {
            _sent.Enqueue(text);
            Pressure.Remove();
        }
    }
}

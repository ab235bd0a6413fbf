using Rx.Mediation.Events;

namespace Rx.Mediation.Nodes;

/// <summary>
/// Convenience base for nodes: an <see cref="InboundHub"/> for what the node receives, a name and a health state.
/// Derived classes implement <see cref="OnNext"/> (send) and publish what they receive with <see cref="Receive"/>.
/// </summary>
public abstract class MediationNode : IMediationNode
{
    private volatile HealthReport _health = new(NodeHealth.Stopped, null);

    protected MediationNode(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    public NodeHealth Health => _health.State;

    public string? HealthDetail => _health.Detail;

    public virtual DeliveryCapabilities Capabilities => DeliveryCapabilities.None;

    public virtual Bridging.OutboundPressure? Pressure => null;

    public virtual Bridging.OutboundPressure? ReadersPressure => null;

    protected InboundHub Inbound { get; } = new();

    public IDisposable Subscribe(IObserver<Event> observer) => Inbound.Subscribe(observer);

    public abstract void OnNext(Event value);

    // A route ending does not end a node that other routes share: see IMediationNode.
    void IObserver<Event>.OnCompleted() { }

    void IObserver<Event>.OnError(Exception error) { }

    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Healthy);
        return Task.CompletedTask;
    }

    public virtual Task StopAsync(CancellationToken cancellationToken)
    {
        SetHealth(NodeHealth.Stopped);
        return Task.CompletedTask;
    }

    protected Admission Receive(Event value) => Inbound.Publish(value);

    protected ValueTask<Admission> ReceiveAsync(Event value, CancellationToken cancellationToken = default) =>
        Inbound.PublishAsync(value, cancellationToken);

    protected void SetHealth(NodeHealth state, string? detail = null) => _health = new HealthReport(state, detail);

    public override string ToString() => $"{GetType().Name}({Name})";

    private sealed record HealthReport(NodeHealth State, string? Detail);
}

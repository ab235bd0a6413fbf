using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Endpoints.Memory;

/// <summary>
/// An endpoint on an <see cref="InMemoryBroker"/>: what routes send to it is published on the broker; what the
/// broker delivers to its subscriptions (all topics by default) is what it receives.
/// It is the embedded default and a fast target for tests and benchmarks; several endpoints may share one broker.
/// </summary>
public sealed class MemoryEndpoint : MediationNode, IEndpoint
{
    /// <summary>Header carrying the web client that published an event, once it has crossed a broker.</summary>
    public const string SenderHeader = "sender-client-id";

    private readonly TopicPattern[] _subscriptions;
    private readonly List<IDisposable> _active = [];
    private readonly Receiver _receiver;

    public MemoryEndpoint(string name, InMemoryBroker? broker = null, IEnumerable<string>? subscriptions = null)
        : base(name)
    {
        Broker = broker ?? new InMemoryBroker();
        _subscriptions = (subscriptions ?? ["#"]).Select(TopicPattern.Parse).ToArray();
        _receiver = new Receiver(this);
    }

    public InMemoryBroker Broker { get; }

    public IReadOnlyList<TopicPattern> Subscriptions => _subscriptions;

    /// <summary>Publishing hands the event to every subscriber before it returns: a send is done when OnNext returns.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.ConfirmsSends;

    /// <summary>
    /// Saturated while a route reading from the broker has a full bridge: publishing hands events to those bridges
    /// without waiting, so the routes sending here hold back until they have room. The readers of every endpoint on the
    /// broker count, as an event sent to one reaches the subscriptions of all.
    /// </summary>
    public override Bridging.OutboundPressure Pressure => Broker.Pressure;

    public override Bridging.OutboundPressure ReadersPressure => Broker.Pressure;

    public override void OnNext(Event value)
    {
        Broker.Publish(value);
        Diagnostics.MediationMeter.Acknowledged(Name, value); // publishing returned: delivered to every subscriber
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_active)
        {
            if (_active.Count == 0)
            {
                foreach (var filter in _subscriptions) _active.Add(Broker.Subscribe(filter, _receiver));
            }
        }
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_active)
        {
            foreach (var subscription in _active) subscription.Dispose();
            _active.Clear();
        }
        return base.StopAsync(cancellationToken);
    }

    private sealed class Receiver(MemoryEndpoint endpoint) : IObserver<Event>
    {
        // Past a broker an event is a broadcast on its topic: the sending client becomes a header, not an address.
        public void OnNext(Event value)
        {
            // No route reads from this endpoint: skip building a copy nobody would take.
            if (!endpoint.Inbound.HasObservers) return;
            var received = value.ClientId is null
                ? value.WithSource(endpoint.Name)
                : value.WithClientId(null).WithSource(endpoint.Name).WithHeader(SenderHeader, value.ClientId);
            endpoint.Receive(received);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }
    }
}

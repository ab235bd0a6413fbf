using Rx.Mediation.Events;

namespace Rx.Mediation.Nodes;

/// <summary>
/// An entrypoint or endpoint. It is an <see cref="IObservable{Event}"/> of what it receives
/// (from web clients or a broker) and an <see cref="IObserver{Event}"/> of what it sends.
/// <para>
/// Several routes may send to one node at once, so <see cref="IObserver{T}.OnNext"/> must be thread-safe.
/// The engine never calls <c>OnCompleted</c>/<c>OnError</c> on a node: a route ending does not end a node
/// that other routes share.
/// </para>
/// </summary>
public interface IMediationNode : IObservable<Event>, IObserver<Event>
{
    string Name { get; }

    NodeHealth Health { get; }

    /// <summary>Why the node is not healthy (e.g. "connection refused to 127.0.0.1:9092"), or null.</summary>
    string? HealthDetail { get; }

    /// <summary>What this node can promise about delivery (see <see cref="DeliveryCapabilities"/>); nothing by default.</summary>
    DeliveryCapabilities Capabilities => DeliveryCapabilities.None;

    /// <summary>
    /// The fill level of what this node sends, when it can tell: routes sending here hold back while it is saturated
    /// (see <see cref="Bridging.OutboundPressure"/>). Null (the default) for nodes that never hold routes back.
    /// </summary>
    Bridging.OutboundPressure? Pressure => null;

    /// <summary>
    /// For a node that hands what it is sent straight on to the routes reading from it, without waiting (the in-memory
    /// broker): where those routes report that their bridge is full, so the routes sending here hold back on it (it is
    /// then also this node's <see cref="Pressure"/>). Null (the default) for nodes whose readers can make them wait.
    /// </summary>
    Bridging.OutboundPressure? ReadersPressure => null;

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>Where clients come in: WebSocket, SSE, HTTP GET/POST.</summary>
public interface IEntrypoint : IMediationNode;

/// <summary>A broker connection, or the in-memory broker.</summary>
public interface IEndpoint : IMediationNode;

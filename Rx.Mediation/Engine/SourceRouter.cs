using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Engine;

/// <summary>
/// The engine's single subscription to a node's inbound stream. It hands each event to the inlets of the
/// routes that want it and answers the node with their combined <see cref="Admission"/>.
/// Its inlet set is an immutable array replaced in one step, so a route swap moves each source from the old
/// routes to the new ones between two events: no event reaches both, none reaches neither.
/// </summary>
internal sealed class SourceRouter(IMediationNode node) : IAdmissionObserver, IDisposable
{
    private static readonly Admission Stopping = Admission.Rejected("the server is stopping", TimeSpan.FromSeconds(5));

    private RouteInlet[] _inlets = [];
    private IDisposable? _subscription;
    private Admission _refusal = Stopping;
    private SourceRouter? _successor;
    private volatile bool _refusing;
    private Exception? _endedWith;
    private volatile bool _ended;

    public IMediationNode Node { get; } = node;

    public bool Ended => _ended;

    public void Attach() => _subscription ??= Node.Subscribe(this);

    public RouteInlet[] Inlets => Volatile.Read(ref _inlets);

    public RouteInlet[] Swap(RouteInlet[] inlets) => Interlocked.Exchange(ref _inlets, inlets);

    /// <summary>From now on, refuse everything (the engine is stopping): sources are told to retry elsewhere or later.</summary>
    public void Refuse() => _refusing = true;

    /// <summary>
    /// The node was replaced by a new instance. What this instance still receives until it stops goes to
    /// <paramref name="successor"/>'s routes when given (an entrypoint: its clients are on one instance only), or is
    /// refused with a short retry (an endpoint: both instances may receive the same broker message, and a broker
    /// redelivers a refused one, to the new instance).
    /// </summary>
    public void Retire(SourceRouter? successor)
    {
        _refusal = Admission.Rejected($"'{Node.Name}' is being replaced", TimeSpan.FromSeconds(1));
        _successor = successor;
        _refusing = true;
    }

    public Admission Offer(Event value)
    {
        if (_refusing) return _successor is { } successor ? successor.Offer(value) : _refusal;
        var inlets = Volatile.Read(ref _inlets);
        var result = Admission.NoRoute;
        foreach (var inlet in inlets)
        {
            if (inlet.Wants(value)) result = Admission.Combine(result, inlet.Route.Offer(value));
        }
        return result;
    }

    public ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken)
    {
        if (_refusing) return _successor is { } successor ? successor.OfferAsync(value, cancellationToken) : new(_refusal);
        var inlets = Volatile.Read(ref _inlets);
        // One route on this source (the common case): its answer is the answer, with no state machine in between.
        if (inlets.Length == 1) return inlets[0].Wants(value) ? inlets[0].Route.OfferAsync(value, cancellationToken) : new(Admission.NoRoute);
        // Several routes, usually each for its own topics, and their bridges usually have room: answer without a state
        // machine until a route makes the source wait.
        var result = Admission.NoRoute;
        for (var i = 0; i < inlets.Length; i++)
        {
            if (!inlets[i].Wants(value)) continue;
            var pending = inlets[i].Route.OfferAsync(value, cancellationToken);
            if (!pending.IsCompletedSuccessfully) return OfferToRestAsync(inlets, i, pending, result, value, cancellationToken);
            result = Admission.Combine(result, pending.Result);
        }
        return new(result);
    }

    private static async ValueTask<Admission> OfferToRestAsync(RouteInlet[] inlets, int waiting, ValueTask<Admission> pending, Admission result, Event value, CancellationToken cancellationToken)
    {
        result = Admission.Combine(result, await pending.ConfigureAwait(false));
        for (var i = waiting + 1; i < inlets.Length; i++)
        {
            if (inlets[i].Wants(value)) result = Admission.Combine(result, await inlets[i].Route.OfferAsync(value, cancellationToken).ConfigureAwait(false));
        }
        return result;
    }

    public void OnNext(Event value) => Offer(value);

    public void OnCompleted() => End(null);

    public void OnError(Exception error) => End(error);

    /// <summary>Tells a route that joins after this source ended that it will get nothing more from it.</summary>
    public void NotifyIfEnded(RouteInlet inlet)
    {
        if (_ended) inlet.Route.SourceEnded(Node.Name, _endedWith);
    }

    public void Dispose() => _subscription?.Dispose();

    private void End(Exception? error)
    {
        _endedWith = error;
        _ended = true;
        foreach (var inlet in Volatile.Read(ref _inlets)) inlet.Route.SourceEnded(Node.Name, error);
    }
}

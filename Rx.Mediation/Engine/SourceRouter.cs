using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Engine;

/// <summary>
/// The engine's single subscription to a node's inbound stream. It hands each event to the inlets of the
/// routes that want it and answers the node with their combined <see cref="Admission"/>.
/// Its inlet set is an immutable array replaced in one step, so a route swap moves each source from the old
/// routes to the new ones between two events: no event reaches both, none reaches neither. A source that read the
/// old set just before the swap may offer to a route already draining; that route answers Moved and the event goes to
/// its successor.
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
        var moved = false;
        foreach (var inlet in inlets)
        {
            if (!inlet.Wants(value)) continue;
            var admission = inlet.Route.Offer(value);
            if (admission.IsMoved) moved = true;
            else result = Admission.Combine(result, admission);
        }
        return moved ? Admission.Combine(result, OfferToSuccessors(inlets, value)) : result;
    }

    public ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken)
    {
        if (_refusing) return _successor is { } successor ? successor.OfferAsync(value, cancellationToken) : new(_refusal);
        var inlets = Volatile.Read(ref _inlets);
        // One route on this source (the common case): its answer is the answer, with no state machine in between.
        if (inlets.Length == 1)
        {
            if (!inlets[0].Wants(value)) return new(Admission.NoRoute);
            var single = inlets[0].Route.OfferAsync(value, cancellationToken);
            return single.IsCompletedSuccessfully && single.Result.IsMoved ? OfferToSuccessorsAsync(inlets, value, Admission.NoRoute, cancellationToken) : single;
        }
        // Several routes, usually each for its own topics, and their bridges usually have room: answer without a state
        // machine until a route makes the source wait.
        var result = Admission.NoRoute;
        var moved = false;
        for (var i = 0; i < inlets.Length; i++)
        {
            if (!inlets[i].Wants(value)) continue;
            var pending = inlets[i].Route.OfferAsync(value, cancellationToken);
            if (!pending.IsCompletedSuccessfully) return OfferToRestAsync(inlets, i, pending, result, moved, value, cancellationToken);
            if (pending.Result.IsMoved) moved = true;
            else result = Admission.Combine(result, pending.Result);
        }
        return moved ? OfferToSuccessorsAsync(inlets, value, result, cancellationToken) : new(result);
    }

    private async ValueTask<Admission> OfferToRestAsync(RouteInlet[] inlets, int waiting, ValueTask<Admission> pending, Admission result, bool moved, Event value, CancellationToken cancellationToken)
    {
        for (var i = waiting; i < inlets.Length; i++)
        {
            if (i > waiting)
            {
                if (!inlets[i].Wants(value)) continue;
                pending = inlets[i].Route.OfferAsync(value, cancellationToken);
            }
            var admission = await pending.ConfigureAwait(false);
            if (admission.IsMoved) moved = true;
            else result = Admission.Combine(result, admission);
        }
        return moved ? await OfferToSuccessorsAsync(inlets, value, result, cancellationToken).ConfigureAwait(false) : result;
    }

    // A route answered Moved: it was replaced after this source read its inlets. The engine swaps the new inlets in
    // before the old routes begin to drain, so the routes not among those read are the successors (a kept route was
    // among them and has had its offer). The successors may be replaced in turn, hence the loop.
    private Admission OfferToSuccessors(RouteInlet[] seen, Event value)
    {
        var result = Admission.NoRoute;
        while (true)
        {
            if (_refusing) return Admission.Combine(result, Offer(value));
            var current = Volatile.Read(ref _inlets);
            var moved = false;
            foreach (var inlet in current)
            {
                if (!inlet.Wants(value) || WasOffered(seen, inlet.Route)) continue;
                var admission = inlet.Route.Offer(value);
                if (admission.IsMoved) moved = true;
                else result = Admission.Combine(result, admission);
            }
            if (!moved) return result;
            seen = current;
        }
    }

    private async ValueTask<Admission> OfferToSuccessorsAsync(RouteInlet[] seen, Event value, Admission result, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_refusing) return Admission.Combine(result, await OfferAsync(value, cancellationToken).ConfigureAwait(false));
            var current = Volatile.Read(ref _inlets);
            var moved = false;
            foreach (var inlet in current)
            {
                if (!inlet.Wants(value) || WasOffered(seen, inlet.Route)) continue;
                var admission = await inlet.Route.OfferAsync(value, cancellationToken).ConfigureAwait(false);
                if (admission.IsMoved) moved = true;
                else result = Admission.Combine(result, admission);
            }
            if (!moved) return result;
            seen = current;
        }
    }

    private static bool WasOffered(RouteInlet[] seen, Routing.RouteRuntime route)
    {
        foreach (var inlet in seen)
        {
            if (inlet.Route == route) return true;
        }
        return false;
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

using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Engine;

/// <summary>
/// The engine's single subscription to a node's inbound stream. It hands each event to the inlets of the
/// routes that want it and answers the node with their combined <see cref="Admission"/>.
/// Its inlet set is an immutable array replaced in one step, so a route swap moves each source from the old
/// routes to the new ones between two events: no event reaches both, none reaches neither. A source that read the
/// old set just before the swap may offer to a route already draining; that route answers Moved and the event goes to
/// its successor (the new route of the same name; for a renamed or removed route, the routes new in that swap).
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

    public Admission Offer(Event value) => _refusing
        ? _successor is { } successor ? successor.Offer(value) : _refusal
        : Offer(value, Volatile.Read(ref _inlets));

    /// <summary>Offers to <paramref name="inlets"/>, the set as this source read it (a moment ago, perhaps before a swap).</summary>
    internal Admission Offer(Event value, RouteInlet[] inlets) => Offer(value, inlets, inlets, 0);

    // inlets: those to offer to; seen: the whole set they were picked from (they differ only after a hand-over).
    private Admission Offer(Event value, RouteInlet[] inlets, RouteInlet[] seen, int handOvers)
    {
        var result = Admission.NoRoute;
        List<string>? moved = null;
        foreach (var inlet in inlets)
        {
            if (!inlet.Wants(value)) continue;
            var admission = inlet.Route.Offer(value);
            if (admission.IsMoved) (moved ??= []).Add(inlet.Route.Name);
            else result = Admission.Combine(result, admission);
        }
        return moved is null ? result : Admission.Combine(result, OfferToSuccessors(moved, seen, value, handOvers));
    }

    public ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken) => _refusing
        ? _successor is { } successor ? successor.OfferAsync(value, cancellationToken) : new(_refusal)
        : OfferAsync(value, Volatile.Read(ref _inlets), cancellationToken);

    internal ValueTask<Admission> OfferAsync(Event value, RouteInlet[] inlets, CancellationToken cancellationToken) =>
        OfferAsync(value, inlets, inlets, 0, cancellationToken);

    private ValueTask<Admission> OfferAsync(Event value, RouteInlet[] inlets, RouteInlet[] seen, int handOvers, CancellationToken cancellationToken)
    {
        // One route on this source (the common case): its answer is the answer, with no state machine in between.
        if (inlets.Length == 1)
        {
            if (!inlets[0].Wants(value)) return new(Admission.NoRoute);
            var single = inlets[0].Route.OfferAsync(value, cancellationToken);
            return single.IsCompletedSuccessfully && single.Result.IsMoved
                ? OfferToSuccessorsAsync([inlets[0].Route.Name], seen, value, handOvers, cancellationToken)
                : single;
        }
        // Several routes, usually each for its own topics, and their bridges usually have room: answer without a state
        // machine until a route makes the source wait.
        var result = Admission.NoRoute;
        List<string>? moved = null;
        for (var i = 0; i < inlets.Length; i++)
        {
            if (!inlets[i].Wants(value)) continue;
            var pending = inlets[i].Route.OfferAsync(value, cancellationToken);
            if (!pending.IsCompletedSuccessfully) return OfferToRestAsync(inlets, seen, handOvers, i, pending, result, moved, value, cancellationToken);
            if (pending.Result.IsMoved) (moved ??= []).Add(inlets[i].Route.Name);
            else result = Admission.Combine(result, pending.Result);
        }
        return moved is null ? new(result) : CombineAsync(result, OfferToSuccessorsAsync(moved, seen, value, handOvers, cancellationToken));
    }

    private async ValueTask<Admission> OfferToRestAsync(RouteInlet[] inlets, RouteInlet[] seen, int handOvers, int waiting, ValueTask<Admission> pending,
        Admission result, List<string>? moved, Event value, CancellationToken cancellationToken)
    {
        for (var i = waiting; i < inlets.Length; i++)
        {
            if (i > waiting)
            {
                if (!inlets[i].Wants(value)) continue;
                pending = inlets[i].Route.OfferAsync(value, cancellationToken);
            }
            var admission = await pending.ConfigureAwait(false);
            if (admission.IsMoved) (moved ??= []).Add(inlets[i].Route.Name);
            else result = Admission.Combine(result, admission);
        }
        return moved is null ? result : Admission.Combine(result, await OfferToSuccessorsAsync(moved, seen, value, handOvers, cancellationToken).ConfigureAwait(false));
    }

    private static ValueTask<Admission> CombineAsync(Admission result, ValueTask<Admission> pending)
    {
        return pending.IsCompletedSuccessfully ? new(Admission.Combine(result, pending.Result)) : Later(result, pending);

        static async ValueTask<Admission> Later(Admission result, ValueTask<Admission> pending) => Admission.Combine(result, await pending.ConfigureAwait(false));
    }

    // Some routes answered Moved: they were replaced after this source read its inlets (the engine swaps the new inlets
    // in before the old routes hand over). The event goes where it would have gone before the switch, each replaced
    // route's successor standing in for it: the new route of the same name, or, for a route renamed or removed, the
    // routes new in this switch. Not to routes that took it already. A successor may have been replaced in turn, so it
    // may hand over again; a swap cannot outrun that for long, and the bound only keeps a source from looping if one did.
    private const int MaxHandOvers = 16;

    private Admission OfferToSuccessors(List<string> moved, RouteInlet[] seen, Event value, int handOvers)
    {
        if (handOvers == MaxHandOvers) return RoutesChanging;
        if (_refusing) return _successor is { } successor ? successor.OfferToSuccessors(moved, seen, value, handOvers) : _refusal;
        var current = Volatile.Read(ref _inlets);
        return Offer(value, Successors(moved, seen, current), current, handOvers + 1);
    }

    private ValueTask<Admission> OfferToSuccessorsAsync(List<string> moved, RouteInlet[] seen, Event value, int handOvers, CancellationToken cancellationToken)
    {
        if (handOvers == MaxHandOvers) return new(RoutesChanging);
        if (_refusing) return _successor is { } successor ? successor.OfferToSuccessorsAsync(moved, seen, value, handOvers, cancellationToken) : new(_refusal);
        var current = Volatile.Read(ref _inlets);
        return OfferAsync(value, Successors(moved, seen, current), current, handOvers + 1, cancellationToken);
    }

    private static RouteInlet[] Successors(List<string> moved, RouteInlet[] seen, RouteInlet[] current)
    {
        static bool Named(RouteInlet[] inlets, string name) => Array.Exists(inlets, i => i.Route.Name == name);
        var orphaned = moved.Exists(name => !Named(current, name));
        return Array.FindAll(current, inlet =>
            !Array.Exists(seen, i => i.Route == inlet.Route)
            && (moved.Contains(inlet.Route.Name) || (orphaned && !Named(seen, inlet.Route.Name))));
    }

    private static readonly Admission RoutesChanging = Admission.Rejected("the routes are being replaced", TimeSpan.FromSeconds(1));

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

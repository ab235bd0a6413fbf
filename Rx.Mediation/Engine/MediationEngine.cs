using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Nodes;
using Rx.Mediation.Routing;

namespace Rx.Mediation.Engine;

/// <summary>
/// Holds the named entrypoints and endpoints, runs the routes between them, and replaces route sets while running.
/// <para>Start order: endpoints, then entrypoints (clients only arrive once brokers are there).
/// Stop order: sources refuse new events, bridges drain (bounded by <see cref="EngineOptions.DrainTimeout"/>),
/// entrypoints close their clients, endpoints flush and stop.</para>
/// </summary>
public sealed class MediationEngine : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _routeChanges = new(1, 1);
    private readonly List<IMediationNode> _nodes = [];
    private readonly Dictionary<string, SourceRouter> _routers = new(StringComparer.Ordinal);
    private readonly Subject<DropRecord> _drops = new();
    private readonly Subject<FailureRecord> _failures = new();
    private readonly IObserver<DropRecord> _dropSink;
    private readonly IObserver<FailureRecord> _failureSink;
    private RouteRuntime[] _routes = [];
    // Guards the ledgers of replaced routes together with the swap of _routes (see RouteTotals).
    private readonly RouteLedgerBook _ledgers = new();
    private volatile EngineState _state = EngineState.Created;
    private int _drained;

    public MediationEngine(EngineOptions? options = null, ILogger<MediationEngine>? logger = null)
    {
        Options = options ?? new EngineOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // Drops and failures are reported from many threads at once; observers see them one at a time.
        _dropSink = Observer.Synchronize(_drops);
        _failureSink = Observer.Synchronize(_failures);
    }

    public EngineOptions Options { get; }

    public IScheduler Scheduler => Options.Scheduler;

    public EngineState State => _state;

    /// <summary>Every dropped event, with its route and reason.</summary>
    public IObservable<DropRecord> Drops => _drops.AsObservable();

    /// <summary>Every event a route failed on, and every fault of a route.</summary>
    public IObservable<FailureRecord> Failures => _failures.AsObservable();

    public IReadOnlyList<RouteRuntime> Routes => Volatile.Read(ref _routes);

    /// <summary>
    /// Each route name's ledger since the engine started, over every instance that ran under it: the running one, and
    /// those replaced or removed by <see cref="ApplyAsync"/>, with what they counted while draining. No count is lost
    /// or counted twice across a swap, and no line ever goes down: these are what monotonic counters export. Names no
    /// route runs any longer come last, with <see cref="RouteTotal.Running"/> false.
    /// </summary>
    public IReadOnlyList<RouteTotal> RouteTotals()
    {
        lock (_ledgers) return _ledgers.Totals(Volatile.Read(ref _routes));
    }

    /// <summary>The engine's subscription to <paramref name="node"/>'s inbound stream, or null (specs: a source's view of its routes).</summary>
    internal SourceRouter? RouterOf(string node)
    {
        lock (_gate) return _routers.GetValueOrDefault(node);
    }

    /// <summary>The flow taps attached to every route, current and future (packet log, metrics, live views).</summary>
    public FlowTaps Taps { get; } = new();

    /// <summary>Sees every event at every stage of every route until the returned handle is disposed. See <see cref="IFlowTap"/>.</summary>
    public IDisposable Tap(IFlowTap tap) => Taps.Add(tap);

    public IReadOnlyList<IMediationNode> Nodes
    {
        get { lock (_gate) return [.. _nodes]; }
    }

    public IEnumerable<IEntrypoint> Entrypoints => Nodes.OfType<IEntrypoint>();

    public IEnumerable<IEndpoint> Endpoints => Nodes.OfType<IEndpoint>();

    public IMediationNode? Find(string name)
    {
        lock (_gate) return _nodes.Find(n => n.Name == name);
    }

    public RouteRuntime? FindRoute(string name) => Array.Find(Volatile.Read(ref _routes), r => r.Name == name);

    /// <summary>Registers a node. Names are unique across entrypoints and endpoints.</summary>
    public MediationEngine Add(IMediationNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (_gate)
        {
            if (_nodes.Exists(n => n.Name == node.Name)) throw new ArgumentException($"a node named '{node.Name}' is already registered", nameof(node));
            _nodes.Add(node);
        }
        return this;
    }

    /// <summary>Registers a node and, when the engine is running, starts it.</summary>
    public async Task AddAsync(IMediationNode node, CancellationToken cancellationToken = default)
    {
        Add(node);
        if (_state == EngineState.Running) await StartNodeAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops and removes a node that no route uses.</summary>
    public async Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        IMediationNode node;
        lock (_gate)
        {
            node = _nodes.Find(n => n.Name == name) ?? throw new ArgumentException($"no node named '{name}'", nameof(name));
            var users = Routes.Where(r => r.Definition.Targets.Contains(name) || r.Definition.AllSources.Any(s => s.Node == name)).Select(r => r.Name).ToList();
            if (users.Count > 0) throw new InvalidOperationException($"node '{name}' is used by route(s) {string.Join(", ", users)}; remove those routes first");
            _nodes.Remove(node);
            if (_routers.Remove(name, out var router)) router.Dispose();
        }
        await node.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_state != EngineState.Created) throw new InvalidOperationException($"the engine is {_state}; it starts once");
        _state = EngineState.Starting;
        var nodes = Nodes;
        foreach (var endpoint in nodes.OfType<IEndpoint>()) await StartNodeAsync(endpoint, cancellationToken).ConfigureAwait(false);
        foreach (var node in nodes.Where(n => n is not IEndpoint)) await StartNodeAsync(node, cancellationToken).ConfigureAwait(false);
        _state = EngineState.Running;
        _logger.LogInformation("Engine started with {NodeCount} nodes and {RouteCount} routes", nodes.Count, Routes.Count);
    }

    /// <summary>
    /// Replaces the running routes with <paramref name="definitions"/>. The whole set is checked first: if any route
    /// is invalid nothing changes and a <see cref="RouteBuildException"/> names each problem. Otherwise new routes are
    /// subscribed, each source switches to them in one step, and replaced routes drain what their bridges accepted
    /// before they are disposed. Routes whose <see cref="RouteDefinition.Fingerprint"/> is unchanged keep running untouched.
    /// </summary>
    public Task ApplyRoutesAsync(IEnumerable<RouteDefinition> definitions, CancellationToken cancellationToken = default) =>
        ApplyAsync(definitions, [], null, cancellationToken);

    /// <summary>
    /// Applies <paramref name="definitions"/> as <see cref="ApplyRoutesAsync"/> does, bringing <paramref name="nodes"/> in
    /// with them make-before-break: a node whose name is not registered is added; one whose name is registered replaces
    /// that instance. Each incoming node is bound to its new routes before it starts (the first event it receives already
    /// has them) and started before any source switches to routes that send to it. Then every source switches in one
    /// step, <paramref name="switched"/> runs, and the replaced routes drain, still sending to the instances they were
    /// built with. Routes naming an incoming node are rebuilt even when their fingerprint is unchanged.
    /// </summary>
    /// <returns>
    /// The instances that were replaced: no longer registered and <b>not stopped</b>. Whatever they still receive is
    /// refused with a short retry (a broker redelivers it); the caller stops them, after letting their clients finish.
    /// </returns>
    public async Task<IReadOnlyList<IMediationNode>> ApplyAsync(
        IEnumerable<RouteDefinition> definitions, IReadOnlyCollection<IMediationNode> nodes, Action? switched = null, CancellationToken cancellationToken = default)
    {
        var wanted = definitions.ToList();
        var incoming = new Dictionary<string, IMediationNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!incoming.TryAdd(node.Name, node)) throw new ArgumentException($"two incoming nodes are named '{node.Name}'", nameof(nodes));
        }
        await _routeChanges.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var name in incoming.Keys.Where(n => ReferenceEquals(Find(n), incoming[n])).ToList()) incoming.Remove(name);
            Validate(wanted, incoming);
            var old = Volatile.Read(ref _routes);
            var next = new List<RouteRuntime>(wanted.Count);
            var created = new List<RouteRuntime>();
            foreach (var definition in wanted)
            {
                var kept = definition.Fingerprint is null ? null : Array.Find(old, r => r.Definition.Fingerprint == definition.Fingerprint && r.Name == definition.Name);
                if (kept is not null && kept.State == RouteState.Running && !NodesOf(kept.Definition).Any(incoming.ContainsKey))
                {
                    next.Add(kept);
                    continue;
                }
                var runtime = Build(definition, wanted, incoming);
                created.Add(runtime);
                next.Add(runtime);
            }

            // Subscribe every new chain before any source switches to it.
            foreach (var route in created) route.Start();
            var staged = incoming.Values.Select(n => (Node: n, Router: Bind(n, next))).ToList();
            if (_state == EngineState.Running)
            {
                foreach (var (node, _) in staged) await StartNodeAsync(node, cancellationToken).ConfigureAwait(false);
            }
            var retired = new List<IMediationNode>();
            lock (_gate)
            {
                foreach (var (node, router) in staged)
                {
                    var at = _nodes.FindIndex(n => n.Name == node.Name);
                    if (at < 0)
                    {
                        _nodes.Add(node);
                    }
                    else
                    {
                        retired.Add(_nodes[at]);
                        _nodes[at] = node;
                    }
                    if (_routers.Remove(node.Name, out var previous)) previous.Retire(node is IEntrypoint ? router : null);
                    if (router is not null) _routers[node.Name] = router;
                }
            }
            var newInlets = SwapInlets(next);
            foreach (var (router, inlet) in newInlets) router.NotifyIfEnded(inlet);
            var replaced = old.Where(r => !next.Contains(r)).ToList();
            lock (_ledgers)
            {
                // In one step for a reader of the totals: a replaced route leaves the running set and joins its name's ledger.
                Volatile.Write(ref _routes, [.. next]);
                foreach (var route in replaced) _ledgers.Retire(route);
            }
            if (switched is not null)
            {
                try
                {
                    switched();
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "A callback after switching routes failed: {Reason}", ex.Message);
                }
            }

            foreach (var route in replaced) route.BeginDrain(replaced: true);
            if (created.Count > 0 || replaced.Count > 0 || retired.Count > 0)
            {
                _logger.LogInformation("Routes applied: {Created} built, {Kept} kept, {Replaced} replaced; nodes added {Added}, replaced {Retired}",
                    created.Count, next.Count - created.Count, replaced.Count, staged.Count - retired.Count, retired.Count);
            }
            await DrainAsync(replaced).ConfigureAwait(false);
            return retired;
        }
        finally
        {
            _routeChanges.Release();
        }
    }

    /// <summary>
    /// Refuses new events from entrypoints (their clients are told to retry) and lets every route drain what its
    /// bridge accepted, upstream routes first. Nodes keep running, so streaming clients still receive what drains;
    /// <see cref="StopAsync"/> then stops them. Calling it again does nothing.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _drained, 1) != 0) return;
        _logger.LogInformation("Engine draining: refusing new client events and draining {RouteCount} routes", Routes.Count);
        RefuseSources(n => n is not IEndpoint);
        await DrainInWavesAsync(Volatile.Read(ref _routes)).ConfigureAwait(false);
        RefuseSources(_ => true);
    }

    /// <summary>Drains (see <see cref="DrainAsync"/>), then stops entrypoints, then endpoints.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_state is EngineState.Stopping or EngineState.Stopped) return;
        _state = EngineState.Stopping;
        await DrainAsync(cancellationToken).ConfigureAwait(false);

        var nodes = Nodes;
        foreach (var node in nodes.Where(n => n is not IEndpoint).Reverse()) await StopNodeAsync(node, cancellationToken).ConfigureAwait(false);
        foreach (var node in nodes.OfType<IEndpoint>().Reverse()) await StopNodeAsync(node, cancellationToken).ConfigureAwait(false);
        _state = EngineState.Stopped;
        _logger.LogInformation("Engine stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var router in _routers.Values) router.Dispose();
        }
        _drops.OnCompleted();
        _failures.OnCompleted();
    }

    private void Validate(IReadOnlyList<RouteDefinition> definitions, IReadOnlyDictionary<string, IMediationNode> incoming)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var route = string.IsNullOrWhiteSpace(definition.Name) ? "(unnamed)" : definition.Name;
            if (string.IsNullOrWhiteSpace(definition.Name)) errors.Add("a route has no name");
            else if (!names.Add(definition.Name)) errors.Add($"route '{route}': the name is used by another route");
            if (definition.Sources.Count == 0) errors.Add($"route '{route}': it has no source");
            if (definition.Targets.Count == 0) errors.Add($"route '{route}': it has no target");
            foreach (var source in definition.AllSources)
            {
                if (Resolve(source.Node, incoming) is null) errors.Add($"route '{route}': unknown source '{source.Node}'{Known(incoming)}");
            }
            foreach (var target in definition.Targets)
            {
                if (Resolve(target, incoming) is null) errors.Add($"route '{route}': unknown target '{target}'{Known(incoming)}");
            }
            try
            {
                definition.Bridge.Validate();
            }
            catch (ArgumentException ex)
            {
                errors.Add($"route '{route}': {ex.Message}");
            }
            if (definition.Guarantee == DeliveryGuarantee.AtLeastOnce) errors.AddRange(CheckAtLeastOnce(definition, route, incoming));
        }
        if (errors.Count > 0) throw new RouteBuildException(errors);
    }

    private IEnumerable<string> CheckAtLeastOnce(RouteDefinition definition, string route, IReadOnlyDictionary<string, IMediationNode> incoming)
    {
        foreach (var source in definition.AllSources.Select(s => Resolve(s.Node, incoming)).OfType<IMediationNode>().Distinct())
        {
            if (!source.Capabilities.HasFlag(DeliveryCapabilities.AcknowledgesAfterAcceptance))
                yield return $"route '{route}': declares at-least-once, but source '{source.Name}' ({source.GetType().Name}) does not acknowledge events only after a route accepted them";
        }
        foreach (var target in definition.Targets.Select(t => Resolve(t, incoming)).OfType<IMediationNode>())
        {
            if (!target.Capabilities.HasFlag(DeliveryCapabilities.ConfirmsSends))
                yield return $"route '{route}': declares at-least-once, but target '{target.Name}' ({target.GetType().Name}) does not confirm what it sends";
        }
        if (definition.Bridge.Overflow is OverflowStrategy.DropHead or OverflowStrategy.DropTail or OverflowStrategy.DropBuffer)
            yield return $"route '{route}': declares at-least-once, but its bridge's '{definition.Bridge.Overflow.ToName()}' strategy drops events it already accepted; use backpressure, drop-new or fail";
    }

    private string Known(IReadOnlyDictionary<string, IMediationNode> incoming)
    {
        var names = Nodes.Select(n => n.Name).Union(incoming.Keys).ToList();
        return names.Count == 0 ? " (no nodes are registered)" : $" (known: {string.Join(", ", names)})";
    }

    private RouteRuntime Build(RouteDefinition definition, IReadOnlyList<RouteDefinition> all, IReadOnlyDictionary<string, IMediationNode> incoming)
    {
        var targets = definition.Targets.Select(t => Resolve(t, incoming)!).ToList();
        var pressures = RoutePressures.Of(definition, all, name => Resolve(name, incoming));
        return new RouteRuntime(definition, definition.Scheduler ?? Scheduler, targets, _dropSink.OnNext, _failureSink.OnNext, Taps, pressures);
    }

    /// <summary>A node by name, an incoming instance first (it replaces the registered one).</summary>
    private IMediationNode? Resolve(string name, IReadOnlyDictionary<string, IMediationNode> incoming) =>
        incoming.TryGetValue(name, out var node) ? node : Find(name);

    private static IEnumerable<string> NodesOf(RouteDefinition definition) => definition.Targets.Concat(definition.AllSources.Select(s => s.Node));

    /// <summary>A router for an incoming node, already holding the inlets of the routes that read from it; null if none does.</summary>
    private static SourceRouter? Bind(IMediationNode node, IReadOnlyList<RouteRuntime> routes)
    {
        var inlets = routes.SelectMany(r => r.Definition.AllSources.Where(s => s.Node == node.Name).Select(s => new RouteInlet(r, s))).ToArray();
        if (inlets.Length == 0) return null;
        var router = new SourceRouter(node);
        router.Swap(inlets);
        router.Attach();
        return router;
    }

    private List<(SourceRouter, RouteInlet)> SwapInlets(IReadOnlyList<RouteRuntime> routes)
    {
        var inletsBySource = new Dictionary<string, List<RouteInlet>>(StringComparer.Ordinal);
        var created = new List<(SourceRouter, RouteInlet)>();
        foreach (var route in routes)
        {
            foreach (var binding in route.Definition.AllSources)
            {
                if (!inletsBySource.TryGetValue(binding.Node, out var list)) inletsBySource[binding.Node] = list = [];
                list.Add(new RouteInlet(route, binding));
            }
        }
        lock (_gate)
        {
            foreach (var (name, inlets) in inletsBySource)
            {
                if (!_routers.TryGetValue(name, out var router))
                {
                    router = new SourceRouter(Find(name)!);
                    _routers[name] = router;
                }
                var previous = router.Swap([.. inlets]);
                router.Attach();
                created.AddRange(inlets.Where(i => !previous.Any(p => p.Route == i.Route && p.Binding == i.Binding)).Select(i => (router, i)));
            }
            foreach (var (name, router) in _routers)
            {
                if (!inletsBySource.ContainsKey(name)) router.Swap([]);
            }
        }
        return created;
    }

    private void RefuseSources(Func<IMediationNode, bool> which)
    {
        lock (_gate)
        {
            foreach (var router in _routers.Values.Where(r => which(r.Node))) router.Refuse();
        }
    }

    /// <summary>
    /// Drains routes upstream first: a route is drained once no other route still running sends to any of its
    /// sources (e.g. ingress into the memory broker before egress out of it), so an event between two routes is
    /// never refused on its second hop. Routes in a cycle drain together.
    /// <para>Only a node that hands back what it is sent (a broker) links two routes. An entrypoint does not: what is
    /// sent to it goes to its clients, and what it receives comes from them. So the default's WebSocket entrypoint,
    /// a source of ingress and a target of egress, does not make the two a cycle that would drain together.</para>
    /// </summary>
    private async Task DrainInWavesAsync(IReadOnlyList<RouteRuntime> routes)
    {
        var remaining = routes.ToList();
        bool Feeds(RouteRuntime upstream, RouteRuntime downstream) =>
            upstream.Definition.Targets.Any(t => Find(t) is not IEntrypoint && downstream.Definition.AllSources.Any(s => s.Node == t));
        while (remaining.Count > 0)
        {
            var wave = remaining.Where(r => !remaining.Any(o => o != r && Feeds(o, r))).ToList();
            if (wave.Count == 0) wave = remaining;
            foreach (var route in wave) route.BeginDrain();
            await DrainAsync(wave).ConfigureAwait(false);
            remaining = remaining.Except(wave).ToList();
        }
    }

    private async Task DrainAsync(IReadOnlyList<RouteRuntime> routes)
    {
        if (routes.Count == 0) return;
        var all = Task.WhenAll(routes.Select(r => r.Completion));
        var timeout = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The timeout runs on the engine's scheduler, so virtual-time tests control it like everything else.
        using (Scheduler.Schedule(Options.DrainTimeout, () => timeout.TrySetResult()))
        {
            await Task.WhenAny(all, timeout.Task).ConfigureAwait(false);
        }
        foreach (var route in routes)
        {
            if (!route.Completion.IsCompleted)
            {
                var abandoned = route.Bridge.Abandon();
                _logger.LogWarning("Route {Route} did not drain within {Timeout}; {Dropped} events dropped (reason drain-timeout)",
                    route.Name, Options.DrainTimeout, abandoned);
            }
            route.Dispose();
        }
    }

    private async Task StartNodeAsync(IMediationNode node, CancellationToken cancellationToken)
    {
        try
        {
            await node.StartAsync(cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Started {Kind} {Node}", node is IEndpoint ? "endpoint" : "entrypoint", node.Name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A broker that is down must not take the server down: the node reports itself unhealthy and /readyz says so.
            _logger.LogError(ex, "Could not start {Node}: {Reason}", node.Name, ex.Message);
        }
    }

    private async Task StopNodeAsync(IMediationNode node, CancellationToken cancellationToken)
    {
        try
        {
            await node.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Error while stopping {Node}: {Reason}", node.Name, ex.Message);
        }
    }
}

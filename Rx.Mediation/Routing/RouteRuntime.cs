using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Rx.Mediation.Bridging;
using Rx.Mediation.Diagnostics;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Routing;

/// <summary>
/// A running route: bridge → operator chain → targets.
/// <para>
/// Fault isolation: a stage that fails on one event reports it and the route goes on; a chain that errors as a
/// whole (a custom operator) is counted and resubscribed; a target that throws is counted for that target only.
/// Only a source error or an overflow under 'fail' ends the route (<see cref="RouteState.Faulted"/>).
/// </para>
/// </summary>
public sealed class RouteRuntime : IDisposable
{
    // A chain that errors again and again without emitting anything is broken, not unlucky: stop resubscribing.
    private const int MaxConsecutiveChainErrors = 16;

    private readonly IMediationNode[] _targets;
    private readonly Action<DropRecord> _publishDrop;
    private readonly Action<FailureRecord> _publishFailure;
    private readonly FlowTaps _taps;
    private CachedInterest _interest = new(-1, FlowInterest.Nothing);
    private readonly Subject<Event> _input = new();
    private readonly StageCounters[] _stageCounters;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _openSources;
    private readonly object _gate = new();
    private IDisposable? _chain;
    private int _consecutiveChainErrors;
    private volatile RouteState _state = RouteState.Running;
    private volatile bool _inputTerminated;
    private Exception? _fault;

    internal RouteRuntime(
        RouteDefinition definition,
        IScheduler scheduler,
        IReadOnlyList<IMediationNode> targets,
        Action<DropRecord> publishDrop,
        Action<FailureRecord> publishFailure,
        FlowTaps taps,
        Engine.RoutePressures pressures)
    {
        Definition = definition;
        Scheduler = scheduler;
        _targets = [.. targets];
        _publishDrop = publishDrop;
        _publishFailure = publishFailure;
        _taps = taps;
        _stageCounters = definition.Stages.Select(_ => new StageCounters()).ToArray();
        Ledger = new RouteLedger(Counters, _stageCounters, [.. definition.Stages.Select(s => s.Description)]);
        _openSources = definition.AllSources.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
        Bridge = new Bridge(definition.Name, definition.Bridge, scheduler, new InputObserver(this), OnDropped, OnDeliveryFault, () => Counters.Accepted,
            pressures.HoldOn, pressures.ReportTo);
    }

    public string Name => Definition.Name;

    public RouteDefinition Definition { get; }

    public IScheduler Scheduler { get; }

    public Bridge Bridge { get; }

    public RouteCounters Counters { get; } = new();

    public IReadOnlyList<StageCounters> StageCounters => _stageCounters;

    /// <summary>The counters alone, for the engine's per-name totals (see <see cref="MediationEngine.RouteTotals"/>).</summary>
    internal RouteLedger Ledger { get; }

    public RouteState State => _state;

    /// <summary>Why the route faulted, or null.</summary>
    public Exception? Fault => _fault;

    /// <summary>Completes when the chain has completed, faulted or been disposed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Raised on the route's scheduler, synchronously, when the chain ends: completed, or faulted (with the error).
    /// Virtual-time harnesses use it to record completion at the exact virtual time.
    /// </summary>
    public event Action<RouteRuntime, Exception?>? Ended;

    /// <summary>Events filtered on purpose by the route's stages (weights).</summary>
    public long Filtered => _stageCounters.Sum(c => c.Filtered);

    internal void Start()
    {
        lock (_gate) SubscribeChain();
    }

    internal Admission Offer(Event value) => Count(Bridge.Offer(value), value);

    internal ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken)
    {
        var pending = Bridge.OfferAsync(value, cancellationToken);
        return pending.IsCompletedSuccessfully ? new(Count(pending.Result, value)) : CountWhenDoneAsync(pending, value);
    }

    private async ValueTask<Admission> CountWhenDoneAsync(ValueTask<Admission> pending, Event value) => Count(await pending.ConfigureAwait(false), value);

    // One interlocked add per accepted event; refusals are rare and counted apart, so Offered needs no write of its own.
    private Admission Count(Admission admission, Event value)
    {
        if (admission.IsAccepted)
        {
            Counters.CountAccepted();
            if (!_taps.IsEmpty && Interest().Wants(FlowStage.Received, value)) Tap(FlowStage.Received, value, value.Source, null);
        }
        else if (!admission.IsMoved)
        {
            Counters.CountRefused();
        }
        return admission;
    }

    // What the taps want from this route, asked again only when the taps or their settings change.
    private FlowInterest Interest()
    {
        var cached = Volatile.Read(ref _interest);
        var version = _taps.Version;
        if (cached.Version == version) return cached.Interest;
        var fresh = new CachedInterest(version, _taps.InterestIn(Name));
        Volatile.Write(ref _interest, fresh);
        return fresh.Interest;
    }

    private sealed record CachedInterest(int Version, FlowInterest Interest);

    private void Tap(FlowStage stage, Event value, string? node, string? reason) =>
        _taps.Publish(new FlowRecord(stage, Name, value, node, reason, Scheduler));

    /// <summary>A source of this route ended; once all have, the bridge drains and the chain completes.</summary>
    internal void SourceEnded(string node, Exception? error)
    {
        bool last;
        lock (_gate)
        {
            last = _openSources.Remove(node) && _openSources.Count == 0;
        }
        if (error is not null) Bridge.Complete(error);
        else if (last) Bridge.Complete();
    }

    /// <summary>Stops taking events and lets the bridge and the chain finish what they hold.</summary>
    /// <param name="replaced">
    /// The route was swapped out for a successor: events its sources offer too late go to the successor
    /// (<see cref="Bridge.HandOver"/>) instead of being refused.
    /// </param>
    internal void BeginDrain(bool replaced = false)
    {
        if (_state == RouteState.Running) _state = RouteState.Draining;
        if (replaced) Bridge.HandOver();
        else Bridge.Complete();
    }

    public void Dispose()
    {
        Bridge.Complete();
        lock (_gate)
        {
            _chain?.Dispose();
            _chain = null;
            if (_state is RouteState.Running or RouteState.Draining) _state = RouteState.Disposed;
        }
        _completion.TrySetResult();
    }

    public override string ToString() => $"{Name} ({_state})";

    private void SubscribeChain()
    {
        var mainSources = Definition.Sources.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
        var mergesOthers = Definition.Stages.Any(s => s.AdditionalSources.Count > 0);
        IObservable<Event> stream = mergesOthers ? _input.Where(e => mainSources.Contains(e.Source)) : _input;
        for (var i = 0; i < Definition.Stages.Count; i++)
        {
            var stage = Definition.Stages[i];
            var context = new StageContext(Name, stage.Description, Scheduler, _stageCounters[i], ReportFailure, Inbound);
            stream = stage.Apply(stream, context);
        }
        _chain = stream.Subscribe(new OutputObserver(this));
    }

    private IObservable<Event> Inbound(IReadOnlyList<SourceBinding> sources)
    {
        var names = sources.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
        return _input.Where(e => names.Contains(e.Source));
    }

    private void OnDropped(Event value, DropReason reason)
    {
        Counters.Dropped.Increment(reason);
        _publishDrop(new DropRecord(Name, reason, value, Scheduler.Now));
        if (!_taps.IsEmpty && Interest().Wants(FlowStage.Dropped, value)) Tap(FlowStage.Dropped, value, null, reason.ToName());
    }

    private void OnDeliveryFault(Event value, Exception error)
    {
        Counters.CountFailed(value.Weight);
        ReportFailure("chain", value, error);
    }

    private void ReportFailure(string stage, Event? value, Exception error)
    {
        _publishFailure(new FailureRecord(Name, stage, value, error, Scheduler.Now));
        if (value is not null && !_taps.IsEmpty && Interest().Wants(FlowStage.Failed, value)) Tap(FlowStage.Failed, value, stage, error.Message);
    }

    private void Deliver(Event value)
    {
        // Read first: a locked write per event would cost more than everything else here, and errors are rare.
        if (Volatile.Read(ref _consecutiveChainErrors) != 0) Volatile.Write(ref _consecutiveChainErrors, 0);
        Counters.CountEmitted(value.Weight);
        var interest = _taps.IsEmpty ? null : Interest();
        if (interest?.Wants(FlowStage.Routed, value) == true) Tap(FlowStage.Routed, value, null, null);
        foreach (var target in _targets)
        {
            try
            {
                target.OnNext(value);
                Counters.CountDelivered();
                if (interest?.Wants(FlowStage.Delivered, value) == true) Tap(FlowStage.Delivered, value, target.Name, null);
            }
            catch (Exception ex)
            {
                Counters.CountFailed(value.Weight);
                ReportFailure("to:" + target.Name, value, ex);
            }
        }
    }

    private void ChainErrored(Exception error)
    {
        lock (_gate)
        {
            if (_state is RouteState.Disposed or RouteState.Faulted or RouteState.Completed) return;
            if (_inputTerminated || Interlocked.Increment(ref _consecutiveChainErrors) > MaxConsecutiveChainErrors)
            {
                _fault = error;
                _state = RouteState.Faulted;
                ReportFailure("route", null, error);
                Bridge.Complete();
                _completion.TrySetResult();
                Ended?.Invoke(this, error);
                return;
            }
            // A custom operator failed: the events it held are lost with it, so say so, then carry on.
            Counters.CountFailed(0);
            ReportFailure("chain", null, error);
            SubscribeChain();
        }
    }

    private void ChainCompleted()
    {
        lock (_gate)
        {
            if (_state is RouteState.Disposed or RouteState.Faulted) return;
            _state = RouteState.Completed;
        }
        // An operator such as Take may end the chain while sources still flow: stop taking their events.
        Bridge.Complete();
        _completion.TrySetResult();
        Ended?.Invoke(this, null);
    }

    private sealed class InputObserver(RouteRuntime route) : IObserver<Event>
    {
        public void OnNext(Event value)
        {
            if (route._state is RouteState.Completed or RouteState.Faulted or RouteState.Disposed)
            {
                route.Counters.CountDiscarded();
                return;
            }
            route._input.OnNext(value);
        }

        public void OnCompleted()
        {
            route._inputTerminated = true;
            route._input.OnCompleted();
            // No subscriber left (the chain already ended): nothing will complete the route but us.
            if (route._state is RouteState.Completed or RouteState.Faulted) route._completion.TrySetResult();
        }

        public void OnError(Exception error)
        {
            route._inputTerminated = true;
            if (route._state is RouteState.Completed or RouteState.Faulted)
            {
                route._completion.TrySetResult();
                return;
            }
            route._input.OnError(error);
        }
    }

    private sealed class OutputObserver(RouteRuntime route) : IObserver<Event>
    {
        public void OnNext(Event value) => route.Deliver(value);

        public void OnError(Exception error) => route.ChainErrored(error);

        public void OnCompleted() => route.ChainCompleted();
    }
}

using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Catalog;
using Rx.Mediation.Routing;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Operators.Fluent;

/// <summary>
/// A route being written: sources, then operators in order, then <see cref="To"/> names the targets and adds the
/// route to its table. Lambdas are described by their source text (e.g. <c>where(e =&gt; e.Header("type") == "order")</c>),
/// so listings and failure reports show the rule as it was written.
/// </summary>
public sealed class RouteRule
{
    private readonly RouteTable _table;
    private readonly IReadOnlyList<SourceBinding> _sources;
    private readonly List<RouteStage> _stages = [];
    private string? _name;
    private BridgeOptions _bridge = BridgeOptions.Default;
    private bool _lifecycle;
    private DeliveryGuarantee _guarantee = DeliveryGuarantee.AtMostOnce;
    private IScheduler? _scheduler;

    internal RouteRule(RouteTable table, IReadOnlyList<SourceBinding> sources)
    {
        _table = table;
        _sources = sources;
    }

    public RouteRule Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        return this;
    }

    /// <summary>Sizes the route's inbound bridge and sets what it does when full.</summary>
    public RouteRule Bridge(int capacity, OverflowStrategy overflow = OverflowStrategy.Backpressure, TimeSpan? backpressureTimeout = null, TimeSpan? retryAfter = null)
    {
        _bridge = new BridgeOptions
        {
            Capacity = capacity,
            Overflow = overflow,
            BackpressureTimeout = backpressureTimeout ?? BridgeOptions.Default.BackpressureTimeout,
            RetryAfter = retryAfter ?? BridgeOptions.Default.RetryAfter,
        }.Validate();
        return this;
    }

    /// <summary>Lets Connect/Disconnect events of the sources into this route (by default only data flows).</summary>
    public RouteRule WithLifecycle()
    {
        _lifecycle = true;
        return this;
    }

    /// <summary>
    /// Declares that no event may be lost once a source handed it over. The engine refuses the route when a source
    /// cannot acknowledge after acceptance, a target cannot confirm sends, or the bridge would drop accepted events.
    /// </summary>
    public RouteRule AtLeastOnce()
    {
        _guarantee = DeliveryGuarantee.AtLeastOnce;
        return this;
    }

    /// <summary>Runs this route on its own scheduler instead of the engine's.</summary>
    public RouteRule On(IScheduler scheduler)
    {
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        return this;
    }

    public RouteRule Where(Func<Event, bool> predicate, [CallerArgumentExpression(nameof(predicate))] string? expression = null) =>
        Add(Filtering.Where(predicate, expression));

    public RouteRule Select(Func<Event, Event> selector, [CallerArgumentExpression(nameof(selector))] string? expression = null) =>
        Add(Transforming.Select(selector, expression));

    public RouteRule SelectText(Func<string, string> selector, [CallerArgumentExpression(nameof(selector))] string? expression = null) =>
        Add(Transforming.Select(e => e.WithText(selector(e.Text)), expression));

    public RouteRule SetHeader(string name, string value) => Add(Transforming.SetHeader(name, value));

    public RouteRule SetHeader(string name, Func<Event, string> value, [CallerArgumentExpression(nameof(value))] string? expression = null) =>
        Add(Transforming.SetHeader(name, value, expression));

    public RouteRule RemoveHeader(string name) => Add(Transforming.RemoveHeader(name));

    public RouteRule SetTopic(string topic) => Add(Transforming.SetTopic(topic));

    public RouteRule SetTopic(Func<Event, string> topic, [CallerArgumentExpression(nameof(topic))] string? expression = null) =>
        Add(Transforming.SetTopic(topic, expression));

    public RouteRule SelectJson(string path) => Add(Transforming.SelectJson(path));

    public RouteRule ProjectJson(params string[] paths) => Add(Transforming.ProjectJson(paths));

    public RouteRule Buffer(int count) => Add(Batching.Buffer(count));

    public RouteRule Buffer(TimeSpan window) => Add(Batching.Buffer(window));

    public RouteRule Buffer(TimeSpan window, int count) => Add(Batching.Buffer(window, count));

    /// <summary>Rx.NET's Throttle: a debounce (see <see cref="Timing.Throttle"/>).</summary>
    public RouteRule Throttle(TimeSpan dueTime) => Add(Timing.Throttle(dueTime));

    public RouteRule Sample(TimeSpan interval) => Add(Timing.Sample(interval));

    public RouteRule Delay(TimeSpan dueTime) => Add(Timing.Delay(dueTime));

    public RouteRule DistinctUntilChanged() => Add(Filtering.DistinctUntilChanged());

    public RouteRule DistinctUntilChanged(Func<Event, string?> key, [CallerArgumentExpression(nameof(key))] string? expression = null) =>
        Add(Filtering.DistinctUntilChanged(key, expression));

    public RouteRule Take(int count) => Add(Filtering.Take(count));

    public RouteRule Skip(int count) => Add(Filtering.Skip(count));

    /// <summary>Merges the events of more sources into the route from this point on.</summary>
    public RouteRule Merge(params string[] sources) => Add(Merging.Merge(sources.Select(s => new SourceBinding(s)).ToList()));

    public RouteRule MergeTopic(string source, string topics) => Add(Merging.Merge([new SourceBinding(source, TopicPattern.Parse(topics))]));

    /// <summary>Any Rx operator chain on events, for what the catalog lacks. Time-based operators must use the given scheduler.</summary>
    public RouteRule Apply(string name, Func<IObservable<Event>, IScheduler, IObservable<Event>> chain) =>
        Add(new RouteStage(name, name, (source, context) => chain(source, context.Scheduler)));

    /// <summary>Adds a prepared stage (e.g. one built from configuration).</summary>
    public RouteRule Add(RouteStage stage)
    {
        _stages.Add(stage ?? throw new ArgumentNullException(nameof(stage)));
        return this;
    }

    /// <summary>Names the targets (fan-out when several), adds the route to its table and returns it.</summary>
    public RouteDefinition To(params string[] targets)
    {
        if (targets.Length == 0) throw new ArgumentException("a route needs at least one target", nameof(targets));
        var definition = new RouteDefinition
        {
            Name = _name ?? _table.UniqueName($"{string.Join("+", _sources.Select(s => s.Node))}->{string.Join("+", targets)}"),
            Sources = _sources,
            Stages = [.. _stages],
            Targets = targets,
            Bridge = _bridge,
            IncludeLifecycle = _lifecycle,
            Guarantee = _guarantee,
            Scheduler = _scheduler,
        };
        _table.Add(definition);
        return definition;
    }
}

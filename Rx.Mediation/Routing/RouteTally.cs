using Rx.Mediation.Bridging;

namespace Rx.Mediation.Routing;

/// <summary>A running sum of route ledgers under one name (not thread-safe: its owner guards it).</summary>
internal sealed class RouteTally
{
    private static readonly DropReason[] DropReasons = Enum.GetValues<DropReason>();

    private readonly long[] _drops = new long[DropReasonNames.Count];
    private readonly Dictionary<(int Index, string Description), long[]> _operators = [];
    private long _accepted, _refused, _emitted, _delivered, _filtered, _failed, _discarded;

    public void Add(RouteLedger ledger)
    {
        var c = ledger.Counters;
        // Each count read once, causes before effects.
        _accepted += c.Accepted;
        _refused += c.Refused;
        _emitted += c.Emitted;
        _delivered += c.Delivered;
        _failed += c.Failed;
        _discarded += c.DiscardedAfterCompletion;
        foreach (var reason in DropReasons) _drops[(int)reason] += c.Dropped[reason];
        for (var i = 0; i < ledger.Stages.Count && i < ledger.Operators.Count; i++)
        {
            var stage = ledger.Stages[i];
            long @in = stage.In, @out = stage.Out, filtered = stage.Filtered, failed = stage.Failed;
            _filtered += filtered;
            AddOperator(i, ledger.Operators[i], @in, @out, filtered, failed);
        }
    }

    public void Add(RouteTally other)
    {
        _accepted += other._accepted;
        _refused += other._refused;
        _emitted += other._emitted;
        _delivered += other._delivered;
        _filtered += other._filtered;
        _failed += other._failed;
        _discarded += other._discarded;
        for (var i = 0; i < _drops.Length; i++) _drops[i] += other._drops[i];
        foreach (var ((index, description), counts) in other._operators) AddOperator(index, description, counts[0], counts[1], counts[2], counts[3]);
    }

    public RouteTotal ToTotal(string name, bool running)
    {
        var dropped = new DropCounters();
        foreach (var reason in DropReasons) dropped.Add(reason, _drops[(int)reason]);
        return new RouteTotal(name)
        {
            Running = running,
            Accepted = _accepted,
            Refused = _refused,
            Emitted = _emitted,
            Delivered = _delivered,
            Filtered = _filtered,
            Failed = _failed,
            DiscardedAfterCompletion = _discarded,
            Dropped = dropped,
            Operators = [.. _operators
                .OrderBy(o => o.Key.Index).ThenBy(o => o.Key.Description, StringComparer.Ordinal)
                .Select(o => new OperatorTotal(o.Key.Index, o.Key.Description, o.Value[0], o.Value[1], o.Value[2], o.Value[3]))],
        };
    }

    private void AddOperator(int index, string description, long @in, long @out, long filtered, long failed)
    {
        if (!_operators.TryGetValue((index, description), out var counts)) _operators[(index, description)] = counts = new long[4];
        counts[0] += @in;
        counts[1] += @out;
        counts[2] += filtered;
        counts[3] += failed;
    }
}

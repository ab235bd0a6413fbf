namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// The evictions of one append, gathered under the log's lock and reported after it. Almost every append evicts none
/// or one event (its topic was full): that one is kept in a field, and a list is made only for more.
/// </summary>
internal struct EvictionList
{
    private Eviction _first;
    private List<Eviction>? _more;
    private bool _any;

    public void Add(in Eviction eviction)
    {
        if (!_any)
        {
            _first = eviction;
            _any = true;
        }
        else
        {
            (_more ??= []).Add(eviction);
        }
    }

    public readonly void Report(Action<Eviction>? report)
    {
        if (!_any || report is null) return;
        report(_first);
        if (_more is null) return;
        foreach (var eviction in _more) report(eviction);
    }
}

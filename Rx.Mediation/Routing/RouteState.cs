namespace Rx.Mediation.Routing;

public enum RouteState
{
    Running,
    /// <summary>Taking no new events; draining what its bridge holds.</summary>
    Draining,
    /// <summary>Its chain completed (all sources completed, or an operator such as Take ended it).</summary>
    Completed,
    /// <summary>Stopped by a fault it cannot recover from: a source error, or a bridge overflow under 'fail'.</summary>
    Faulted,
    Disposed,
}

namespace Rx.Mediation.Nodes;

public enum NodeHealth
{
    Stopped,
    Starting,
    Healthy,
    /// <summary>Working, but not fully: e.g. reconnecting to a broker while buffering.</summary>
    Degraded,
    Unhealthy,
}

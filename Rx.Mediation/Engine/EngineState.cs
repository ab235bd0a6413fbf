namespace Rx.Mediation.Engine;

public enum EngineState
{
    Created,
    Starting,
    Running,
    Stopping,
    Stopped,
}

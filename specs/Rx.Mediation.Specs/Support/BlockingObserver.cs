using Rx.Mediation.Events;

namespace Rx.Mediation.Specs.Support;

/// <summary>A downstream that takes events and does nothing with them.</summary>
public sealed class BlockingObserver : IObserver<Event>
{
    public void OnNext(Event value) { }

    public void OnError(Exception error) { }

    public void OnCompleted() { }
}

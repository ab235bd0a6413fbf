using System.Diagnostics;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Config.Specs;

/// <summary>An entrypoint driven from the test: sends events at a steady rate and counts how each was admitted.</summary>
internal sealed class LoadSource(string name) : MediationNode(name), IEntrypoint
{
    private long _accepted, _refused;
    private readonly Stopwatch _clock = new();

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    public TimeSpan Elapsed => _clock.Elapsed;

    public override void OnNext(Event value) { }

    public void Run(int perSecond, CancellationToken stop)
    {
        _clock.Start();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(_clock.Elapsed.TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                var admission = Receive(Event.FromText(Name, "events", $$"""{"n":{{sent % 1000}}}"""));
                if (admission.IsAccepted) Interlocked.Increment(ref _accepted);
                else Interlocked.Increment(ref _refused);
            }
            Thread.Sleep(1);
        }
        _clock.Stop();
    }
}

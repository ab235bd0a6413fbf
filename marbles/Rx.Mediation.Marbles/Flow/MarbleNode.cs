using System.Reactive;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Marbles.Flow;

/// <summary>Stands in for an entrypoint or endpoint in a flow test: it emits a marble diagram and records what routes send it.</summary>
internal sealed class MarbleNode(string name, MarbleScheduler scheduler) : MediationNode(name), IEntrypoint
{
    private readonly List<Recorded<Notification<FlowEvent>>> _sent = [];

    public List<Recorded<Notification<FlowEvent>>> Sent => _sent;

    public List<Recorded<Admission>> Admissions { get; } = [];

    public override void OnNext(Event value) =>
        _sent.Add(new Recorded<Notification<FlowEvent>>(scheduler.Clock, Notification.CreateOnNext(FlowEvent.Of(value))));

    public void Play(IReadOnlyList<Recorded<Notification<FlowEvent>>> notifications)
    {
        foreach (var recorded in notifications)
        {
            if (recorded.Time < 0) continue; // before the subscription point '^': never seen
            var notification = recorded.Value;
            scheduler.ScheduleAt(recorded.Time, () =>
            {
                switch (notification.Kind)
                {
                    case NotificationKind.OnNext:
                        Admissions.Add(new Recorded<Admission>(scheduler.Clock, Receive(notification.Value.ToEvent(Name, scheduler.Now))));
                        break;
                    case NotificationKind.OnError:
                        Inbound.Fail(notification.Exception!);
                        break;
                    default:
                        Inbound.Complete();
                        break;
                }
            });
        }
    }

    public void RecordEnd(Exception? error) =>
        _sent.Add(new Recorded<Notification<FlowEvent>>(scheduler.Clock,
            error is null ? Notification.CreateOnCompleted<FlowEvent>() : Notification.CreateOnError<FlowEvent>(error)));
}

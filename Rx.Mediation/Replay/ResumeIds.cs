using Rx.Mediation.Events;

namespace Rx.Mediation.Replay;

/// <summary>
/// The id a web client resumes from after an event: what SSE writes as <c>id:</c> and what a poll cursor carries.
/// It is the event's <see cref="Event.Id"/>, unless the source set <see cref="Header"/> because one id is not enough
/// to resume its stream (Kafka: a multi-partition topic needs the offset of every partition, not only the event's own).
/// </summary>
public static class ResumeIds
{
    /// <summary>Set by a replayable source when an event's resume id differs from its id.</summary>
    public const string Header = "resume-id";

    public static string Of(Event value) => value.Header(Header) ?? value.Id;
}

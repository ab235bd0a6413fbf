using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>An event kept in a <see cref="TopicLog"/>, with its position.</summary>
public readonly record struct LoggedEvent(long Sequence, Event Event);

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>An event a <see cref="TopicLog"/> let go, why, and whether nobody had it: never read from the log, nor marked delivered.</summary>
public readonly record struct Eviction(LoggedEvent Item, EvictionCause Cause, bool Unread);

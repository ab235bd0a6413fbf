namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// What one read of a <see cref="TopicLog"/> found: the events, oldest first; <see cref="Through"/>, the sequence the
/// log was read through (the next read goes on after it, whether or not events were found); and whether events the
/// read asked for had already been evicted (<see cref="Gap"/>): the reader then misses them.
/// </summary>
public sealed record LogPage(IReadOnlyList<LoggedEvent> Items, long Through, bool Gap)
{
    public static LogPage Empty(long through, bool gap = false) => new([], through, gap);
}

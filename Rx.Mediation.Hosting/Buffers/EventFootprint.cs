using Rx.Mediation.Events;

namespace Rx.Mediation.Hosting.Buffers;

/// <summary>
/// What holding one event costs in memory, as byte budgets count it: its payload, the strings it carries (UTF-16, two
/// bytes a character) and a fixed share for the objects around them. An estimate that errs high: a budget sized in these
/// bytes is not exceeded by the memory it stands for.
/// </summary>
public static class EventFootprint
{
    /// <summary>
    /// The event object, its generated id string, its payload array's header, and what a buffer keeps per event besides
    /// (its entry, its place in the topic's and the global order, its id in the index).
    /// </summary>
    public const int PerEvent = 320;

    /// <summary>Each header: its pair in the header array and the two strings' object headers.</summary>
    private const int PerHeader = 64;

    public static long Of(Event value)
    {
        ArgumentNullException.ThrowIfNull(value);
        long bytes = PerEvent + value.Payload.Length + Chars(value.Topic) + Chars(value.ClientId);
        foreach (var header in value.Headers) bytes += PerHeader + Chars(header.Key) + Chars(header.Value);
        if (value.Batch is { } batch)
        {
            foreach (var member in batch) bytes += Of(member);
        }
        return bytes;
    }

    private static long Chars(string? text) => 2L * (text?.Length ?? 0);
}

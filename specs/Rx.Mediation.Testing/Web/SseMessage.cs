namespace Rx.Mediation.Testing;

/// <summary>One dispatched SSE event (or a comment line, with <see cref="Comment"/> set).</summary>
public sealed record SseMessage(string? Id, string? Event, string Data, string? Comment = null)
{
    public bool IsComment => Comment is not null;
}

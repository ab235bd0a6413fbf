using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Clients;

/// <summary>A web client connected to an entrypoint: its id, its topic filters and its send queue.</summary>
public sealed class ConnectedClient(string id, IReadOnlyList<TopicPattern> topics, ClientOutbox outbox)
{
    public string Id { get; } = id;

    public IReadOnlyList<TopicPattern> Topics { get; } = topics;

    public ClientOutbox Outbox { get; } = outbox;

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    public string? RemoteAddress { get; init; }

    /// <summary>
    /// The filters of its principal's subscribe rights (null: any topic). An event addressed to this client skips its
    /// topic filters but not these: addressing reaches a client, never past what its principal may read.
    /// </summary>
    public IReadOnlyList<TopicPattern>? Readable { get; init; }

    public bool MayRead(string topic)
    {
        if (Readable is null) return true;
        foreach (var filter in Readable)
        {
            if (filter.Matches(topic)) return true;
        }
        return false;
    }
}

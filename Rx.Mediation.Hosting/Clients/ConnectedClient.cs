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
}

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

    private IReadOnlyList<TopicPattern>? _readable;
    private string? _revokedBecause;

    /// <summary>
    /// The filters of its principal's subscribe rights (null: any topic). An event addressed to this client skips its
    /// topic filters but not these: addressing reaches a client, never past what its principal may read. Set again
    /// when the rights are reloaded and the client may stay.
    /// </summary>
    public IReadOnlyList<TopicPattern>? Readable
    {
        get => Volatile.Read(ref _readable);
        set => Volatile.Write(ref _readable, value);
    }

    /// <summary>Why the server ended this client's subscription for want of the right to it (a rights reload), or null.</summary>
    public string? RevokedBecause => Volatile.Read(ref _revokedBecause);

    /// <summary>
    /// Ends the subscription now, for want of the right to it: nothing more is sent, what is queued included (the
    /// principal may no longer read it); its session closes and tells the client <paramref name="reason"/>.
    /// </summary>
    public void Revoke(string reason)
    {
        Interlocked.CompareExchange(ref _revokedBecause, reason, null);
        Outbox.Close(reason);
    }

    public bool MayRead(string topic)
    {
        if (Readable is not { } readable) return true;
        foreach (var filter in readable)
        {
            if (filter.Matches(topic)) return true;
        }
        return false;
    }
}

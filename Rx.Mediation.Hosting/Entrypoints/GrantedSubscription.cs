using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Hosting.Security.Identity;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// A subscription let in under its caller's rights: a WebSocket or SSE client (<see cref="Client"/>), or a waiting long
/// poll. While it is open, a reload of the rights checks it again (<see cref="GrantedSubscriptions"/>) and ends it when
/// they no longer cover one of its filters. What the audit line needs is taken from the request at once: the request
/// may be finishing while a reload runs.
/// </summary>
internal sealed class GrantedSubscription(HttpContext context, Caller caller, IReadOnlyList<TopicPattern> topics, string? clientId, ConnectedClient? client = null)
{
    // Not disposed: it has no timer, and a reload may still cancel it as the request ends.
    private readonly CancellationTokenSource _ended = new();
    private string? _endedBecause;

    public Caller Caller { get; } = caller;

    public IReadOnlyList<TopicPattern> Topics { get; } = topics;

    public string? ClientId { get; } = clientId;

    /// <summary>The streaming client holding the subscription; null for a long poll.</summary>
    public ConnectedClient? Client { get; } = client;

    public ILogger Audit { get; } = WebEntrypoint.AuditLog(context);

    public string? RemoteAddress { get; } = context.Connection.RemoteIpAddress?.ToString();

    /// <summary>Cancelled when the subscription is ended for want of the right to it.</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Why it was ended (the reason its client is told), or null while it holds.</summary>
    public string? EndedBecause => Volatile.Read(ref _endedBecause);

    /// <summary>Ends it: a streaming client is revoked (<see cref="ConnectedClient.Revoke"/>), a long poll's wait is cut short.</summary>
    public void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _endedBecause, reason, null) is not null) return;
        Client?.Revoke(reason);
        _ended.Cancel();
    }
}

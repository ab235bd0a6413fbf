using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Hosting.Security.Identity;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// The subscriptions an entrypoint holds under its callers' rights, checked again when the rights are reloaded: those
/// no longer covered are ended, counted and audited as refusals (<c>forbidden-revoked</c>); the others keep running,
/// their readable filters following the new rights. Callers of a server without authentication have no rights to
/// change and are not held.
/// </summary>
internal sealed class GrantedSubscriptions(WebEntrypoint owner)
{
    private readonly ConcurrentDictionary<GrantedSubscription, byte> _held = new();

    public int Count => _held.Count;

    /// <summary>
    /// Holds the subscription until the returned lease is disposed; none is made for a caller whose rights cannot change
    /// (a server without authentication), so such requests pay nothing for it. It is checked at once too: the rights may
    /// have been reloaded between letting it in and holding it, and that reload did not see it.
    /// </summary>
    public (IDisposable Lease, GrantedSubscription? Subscription) Hold(HttpContext context, Caller caller, IReadOnlyList<TopicPattern> topics, ConnectedClient? client = null)
    {
        if (!caller.HasLiveRights) return (Released.Instance, null);
        var clientId = client?.Id ?? (ClientQuery.TryGivenClientId(context.Request, out var given, out _) ? given : null);
        var subscription = new GrantedSubscription(context, caller, topics, clientId, client);
        _held.TryAdd(subscription, 0);
        Reassess(subscription);
        return (new Release(this, subscription), subscription);
    }

    /// <summary>Ends each held subscription the rights in force no longer cover; returns how many it ended.</summary>
    public int Reassess() => _held.Keys.Count(Reassess);

    private bool Reassess(GrantedSubscription subscription)
    {
        if (subscription.EndedBecause is not null) return false;
        var caller = subscription.Caller;
        var forbidden = subscription.Topics.FirstOrDefault(t => !caller.MaySubscribe(t, subscription.ClientId));
        if (forbidden is null)
        {
            if (subscription.Client is { } client) client.Readable = caller.ReadableFilters(subscription.ClientId);
            return false;
        }
        owner.CountRevoked(subscription, forbidden.Text);
        subscription.End($"'{caller.Display}' may no longer subscribe to '{forbidden.Text}' at entrypoint '{owner.Name}': its rights changed");
        return true;
    }

    private sealed class Release(GrantedSubscriptions held, GrantedSubscription subscription) : IDisposable
    {
        public void Dispose() => held._held.TryRemove(subscription, out _);
    }

    private sealed class Released : IDisposable
    {
        public static readonly Released Instance = new();

        public void Dispose()
        {
        }
    }
}

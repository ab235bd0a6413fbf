using Rx.Mediation.Topics;
using Rx.Mediation.Hosting.Clients;
using Microsoft.AspNetCore.Http;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// An entrypoint reached over HTTP: it maps its own path and takes part in the server's shutdown sequence
/// (<see cref="Refuse"/> new input → <see cref="WhenIdleAsync"/> → <see cref="CloseClientsAsync"/>).
/// </summary>
public abstract class WebEntrypoint : MediationNode, IEntrypoint
{
    private readonly Subject<DropRecord> _drops = new();
    private readonly IObserver<DropRecord> _dropSink;
    private readonly CancellationTokenSource _refused = new();
    private volatile bool _refusing;
    private int _inFlight;
    private long _unauthenticated;
    private long _forbidden;
    private TaskCompletionSource? _idle; // made by a waiter while something is in flight; completed by the last to leave

    protected WebEntrypoint(EntrypointOptions options)
        : base(options.Name)
    {
        Path = options.Path;
        Port = options.Port;
        DefaultTopic = options.DefaultTopic;
        TopicRules = new TopicRules(options.MaxTopicBytes);
        // Client writer loops report drops from many threads; observers see them one at a time.
        _dropSink = Observer.Synchronize(_drops);
        Granted = new GrantedSubscriptions(this);
    }

    public string Path { get; }

    public int? Port { get; }

    public string DefaultTopic { get; }

    /// <summary>What a topic or filter a client gives must be; a refusal names the rule.</summary>
    public TopicRules TopicRules { get; }

    /// <summary>The URL scheme clients use (http or ws), for the startup log.</summary>
    public virtual string Scheme => "http";

    /// <summary>True once the server is stopping: new input and new clients are turned away (503).</summary>
    public bool IsRefusing => _refusing;

    /// <summary>Cancelled when <see cref="Refuse"/> is called: input still arriving then is cut short, so it cannot hold shutdown up.</summary>
    protected CancellationToken Refused => _refused.Token;

    /// <summary>Where faults of this entrypoint's clients are logged, rate-limited.</summary>
    public ClientFaultLog ClientFaults { get; } = new(ClientFaultLog.DefaultInterval, System.Reactive.Concurrency.Scheduler.Default);

    /// <summary>Events this entrypoint dropped itself (slow clients), by reason.</summary>
    public DropCounters Drops { get; } = new();

    /// <summary>Events taken from clients and written to them (metrics: <c>rx_mediation_entrypoint_events_total</c>).</summary>
    public Operations.Metrics.EntrypointTraffic Traffic { get; } = new();

    /// <summary>Every event dropped here, for the aggregated drop log.</summary>
    public IObservable<DropRecord> DropRecords => _drops.AsObservable();

    /// <summary>
    /// What streaming clients are told when the server ends their stream: "server stopping" at shutdown, or why the
    /// entrypoint went away when a configuration reload removed or replaced it.
    /// </summary>
    public string ClosingReason { get; set; } = "server stopping";

    /// <summary>Sessions (streaming clients, long polls) currently open.</summary>
    public ClientSessions Sessions { get; } = new();

    /// <summary>The open subscriptions held under their callers' rights, checked again when the rights are reloaded.</summary>
    internal GrantedSubscriptions Granted { get; }

    /// <summary>
    /// Ends every open subscription (WebSocket, SSE stream, waiting long poll) that the rights in force no longer
    /// cover, counted and audited as refusals; returns how many it ended. Called once a reload changed the rights.
    /// </summary>
    public int EndRevokedSubscriptions() => Granted.Reassess();

    public abstract IEndpointConventionBuilder Map(IEndpointRouteBuilder routes);

    /// <summary>From now on, refuse new input and new clients; already connected clients keep receiving.</summary>
    public void Refuse()
    {
        _refusing = true;
        _refused.Cancel();
        if (Health == NodeHealth.Healthy) SetHealth(NodeHealth.Degraded, "stopping: new input is refused");
    }

    /// <summary>Completes once no inbound request is between having read its input and getting the routes' answer.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _inFlight) == 0) return Task.CompletedTask.WaitAsync(cancellationToken);
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var idle = Interlocked.CompareExchange(ref _idle, fresh, null) ?? fresh;
        // The last request may have left before the wait was installed: it found no waiter to complete.
        if (Volatile.Read(ref _inFlight) == 0)
        {
            Interlocked.CompareExchange(ref _idle, null, idle);
            idle.TrySetResult();
        }
        return idle.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets every client receive what is queued for it, then ends its stream; cuts off those not done within <paramref name="grace"/>.</summary>
    public virtual Task CloseClientsAsync(TimeSpan grace, CancellationToken cancellationToken) =>
        Sessions.CloseAllAsync(grace, cancellationToken);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        Refuse();
        Sessions.Abort();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>Callers answered 401: no credential where one is required, or a credential refused.</summary>
    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    /// <summary>Requests and messages refused because the caller's rights do not cover the topic (403, or a rejected notice).</summary>
    public long Forbidden => Interlocked.Read(ref _forbidden);

    /// <summary>
    /// Who is calling (<see cref="Security.Identity.Caller.Everyone"/> on a server without authentication). Answers 401 and
    /// returns null for a refused credential, and for none unless anonymous callers are allowed.
    /// </summary>
    protected async Task<Security.Identity.Caller?> IdentifyAsync(HttpContext context)
    {
        if (context.RequestServices?.GetService(typeof(Security.Identity.CallerAccess)) is not Security.Identity.CallerAccess access)
            return Security.Identity.Caller.Everyone;
        var result = await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context, Security.Identity.MediationAuthentication.Scheme);
        if (result.Succeeded) return access.Authenticated(result.Principal!);
        if (result.Failure is null && access.Anonymous() is { } anonymous) return anonymous;
        var reason = result.Failure is null ? "a credential is required" : "the credential was refused";
        CountUnauthenticated(context, result.Failure is null ? "no-credential" : "bad-credential");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await JsonErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated",
            $"{reason} at entrypoint '{Name}': send an API key or a JWT as 'Authorization: Bearer <credential>'"
            + (access.Security.CredentialQuery is { Length: > 0 } query ? $" or '?{query}=<credential>'" : "")
            + (access.Security.ClientCertificates.IsOn ? ", or connect over https with a client certificate" : "") + " (docs/security.md)");
        return null;
    }

    /// <summary>403 <c>forbidden</c>: the caller's rights do not cover <paramref name="topic"/>; counted and audited.</summary>
    protected Task ForbidAsync(HttpContext context, Security.Identity.Caller caller, string action, string topic)
    {
        CountForbidden(context, caller, action, topic);
        return JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden",
            $"'{caller.Display}' may not {action} '{topic}' at entrypoint '{Name}'", new { topic, action });
    }

    internal void CountForbidden(HttpContext context, Security.Identity.Caller caller, string action, string topic) =>
        CountRefusedRight(context, caller, topic, "forbidden-" + action);

    /// <summary>Counts a refusal for want of a right and audits it; <paramref name="reason"/> is a fixed word (it keys the audit's rate limit).</summary>
    internal void CountRefusedRight(HttpContext context, Security.Identity.Caller caller, string? topic, string reason) =>
        CountRefusedRight(AuditLog(context), caller, topic, reason, context.Connection.RemoteIpAddress?.ToString());

    /// <summary>Counts and audits a subscription ended because reloaded rights no longer cover <paramref name="topic"/>.</summary>
    internal void CountRevoked(GrantedSubscription subscription, string topic) =>
        CountRefusedRight(subscription.Audit, subscription.Caller, topic, "forbidden-revoked", subscription.RemoteAddress);

    private void CountRefusedRight(Microsoft.Extensions.Logging.ILogger audit, Security.Identity.Caller caller, string? topic, string reason, string? address)
    {
        Interlocked.Increment(ref _forbidden);
        ClientFaults.Refused(audit, Name, caller.Display, topic, reason, address);
    }

    /// <summary>Counts a caller without a valid credential (401, or a WebSocket closed for want of one) and audits it.</summary>
    internal void CountUnauthenticated(HttpContext context, string reason)
    {
        Interlocked.Increment(ref _unauthenticated);
        ClientFaults.Refused(AuditLog(context), Name, "anonymous", null, reason, context.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>The first of <paramref name="topics"/> the caller may not subscribe to, refused (counted and audited); null when all are within its rights.</summary>
    internal ClientRefusal? SubscribeRefusal(HttpContext context, Security.Identity.Caller caller, IReadOnlyList<TopicPattern> topics, string? clientId)
    {
        if (topics.FirstOrDefault(t => !caller.MaySubscribe(t, clientId)) is not { } forbidden) return null;
        CountForbidden(context, caller, "subscribe to", forbidden.Text);
        return new ClientRefusal(StatusCodes.Status403Forbidden, "forbidden", $"'{caller.Display}' may not subscribe to '{forbidden.Text}' at entrypoint '{Name}'");
    }

    /// <summary>
    /// The caller, when every filter it subscribes to lies within its rights (<c>{client_id}</c> is the id it gives);
    /// otherwise null, answered with 401 or 403.
    /// </summary>
    protected async Task<Security.Identity.Caller?> AdmitSubscriberAsync(HttpContext context, IReadOnlyList<TopicPattern> topics)
    {
        var caller = await IdentifyAsync(context);
        if (caller is null) return null;
        var clientId = ClientQuery.TryGivenClientId(context.Request, out var given, out _) ? given : null;
        if (topics.FirstOrDefault(t => !caller.MaySubscribe(t, clientId)) is not { } forbidden) return caller;
        await ForbidAsync(context, caller, "subscribe to", forbidden.Text);
        return null;
    }

    internal static Microsoft.Extensions.Logging.ILogger AuditLog(HttpContext context) =>
        (context.RequestServices?.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) as Microsoft.Extensions.Logging.ILoggerFactory)
            ?.CreateLogger("Rx.Mediation.Hosting.Security.Audit") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>
    /// Registers a streaming client (SSE, WebSocket) with its own bounded send queue, whose drops are counted as
    /// slow-client drops. Answers 400 for an unusable client id, 503 over a connection limit, 403 when another principal
    /// holds the id (<see cref="ClientIdOwners"/>), 409 when a client with that id is already connected here, and
    /// returns null then.
    /// </summary>
    protected async Task<(ConnectedClient Client, IDisposable Registration)?> RegisterClientAsync(
        HttpContext context, ClientRegistry clients, Security.Identity.Caller caller, IReadOnlyList<TopicPattern> topics, StreamingEntrypointOptions options)
    {
        if (!ClientQuery.TryGivenClientId(context.Request, out var given, out var idError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-client-id", idError);
            return null;
        }
        var lease = TryLeaseConnection(context, out var refusal);
        var registered = refusal is null ? TryRegister(context, clients, caller, given ?? ClientQuery.NewClientId(), topics, options, lease, out refusal) : null;
        if (registered is null)
        {
            if (refusal!.Status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "5";
            await JsonErrors.WriteAsync(context, refusal.Status, refusal.Code, refusal.Reason);
        }
        return registered;
    }

    /// <summary>A lease on one streaming connection (null without a limiter), or a 503 refusal naming the bound.</summary>
    internal static IDisposable? TryLeaseConnection(HttpContext context, out ClientRefusal? refusal)
    {
        refusal = null;
        if (context.RequestServices?.GetService(typeof(Security.ConnectionLimiter)) is not Security.ConnectionLimiter limiter) return null;
        var lease = limiter.TryOpen(context.Connection.RemoteIpAddress?.ToString(), out var reason);
        if (lease is null) refusal = new ClientRefusal(StatusCodes.Status503ServiceUnavailable, "too-many-connections", reason!);
        return lease;
    }

    /// <summary>
    /// Claims <paramref name="clientId"/> for the caller's principal and registers the client; the registration lets go
    /// of both and of <paramref name="lease"/>, which is let go at once on a refusal (403 held by another principal, 409
    /// connected here already).
    /// </summary>
    internal (ConnectedClient Client, IDisposable Registration)? TryRegister(HttpContext context, ClientRegistry clients, Security.Identity.Caller caller,
        string clientId, IReadOnlyList<TopicPattern> topics, StreamingEntrypointOptions options, IDisposable? lease, out ClientRefusal? refusal)
    {
        IDisposable? principalLease = null;
        if (context.RequestServices?.GetService(typeof(Security.ConnectionLimiter)) is Security.ConnectionLimiter limiter
            && !limiter.TryOpenFor(caller.Name, out principalLease, out var bound))
        {
            lease?.Dispose();
            refusal = new ClientRefusal(StatusCodes.Status503ServiceUnavailable, "too-many-connections", bound!);
            return null;
        }
        if (principalLease is not null) lease = new Leases(lease, principalLease);
        IDisposable? claim = null;
        if (context.RequestServices?.GetService(typeof(ClientIdOwners)) is ClientIdOwners owners && (claim = owners.TryClaim(clientId, caller.Name)) is null)
        {
            lease?.Dispose();
            CountRefusedRight(context, caller, null, "forbidden-client-id");
            refusal = new ClientRefusal(StatusCodes.Status403Forbidden, "forbidden",
                $"client id '{clientId}' is held by another principal: '{caller.Display}' may not claim it at entrypoint '{Name}' (give another id, or none for a random one)");
            return null;
        }
        var outbox = new ClientOutbox(options.SendQueueCapacity, options.SlowClientPolicy, e => ReportDrop(e, DropReason.SlowClient), options.SendQueueMaxBytes);
        var client = new ConnectedClient(clientId, topics, outbox)
        {
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
            Readable = caller.ReadableFilters(clientId),
        };
        var registration = clients.Add(client);
        if (registration is null)
        {
            lease?.Dispose();
            claim?.Dispose();
            refusal = new ClientRefusal(StatusCodes.Status409Conflict, "duplicate-client", $"a client with id '{clientId}' is already connected to entrypoint '{Name}'");
            return null;
        }
        refusal = null;
        var (held, _) = Granted.Hold(context, caller, topics, client);
        return (client, new Leases(held, registration, lease, claim));
    }

    /// <summary>
    /// Marks an inbound request as in flight until disposed, so shutdown waits for its answer. One interlocked add: the
    /// task <see cref="WhenIdleAsync"/> waits on is made only when someone waits (it used to be made whenever the count
    /// rose from 0, i.e. for nearly every message of a WebSocket client).
    /// </summary>
    protected InFlight TrackInbound()
    {
        EnterInbound();
        return new InFlight(this);
    }

    private protected void EnterInbound() => Interlocked.Increment(ref _inFlight);

    private protected void LeaveInbound() => Leave();

    /// <summary>An event a buffer let go is a drop when no client had it; each cause is its own reason.</summary>
    protected void ReportEviction(Eviction eviction)
    {
        if (!eviction.Unread) return;
        ReportDrop(eviction.Item.Event, eviction.Cause switch
        {
            EvictionCause.TopicEvents => DropReason.BufferTopicEvents,
            EvictionCause.TopicBytes => DropReason.BufferTopicBytes,
            EvictionCause.Bytes => DropReason.BufferBytes,
            _ => DropReason.BufferTopics,
        });
    }

    protected void ReportDrop(Event value, DropReason reason)
    {
        Drops.Increment(reason);
        _dropSink.OnNext(new DropRecord(Name, reason, value, DateTimeOffset.UtcNow));
    }

    /// <summary>Publishes a lifecycle event; nobody waits on its admission (only routes that asked for lifecycle take it).</summary>
    protected void Announce(Event lifecycle) => Receive(lifecycle);

    protected ValueTask<Admission> OfferAsync(Event value, CancellationToken cancellationToken)
    {
        Traffic.CountReceived();
        return ReceiveAsync(value, cancellationToken);
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _idle) is not null) Interlocked.Exchange(ref _idle, null)?.TrySetResult();
    }

    protected readonly struct InFlight(WebEntrypoint owner) : IDisposable
    {
        public void Dispose() => owner.Leave();
    }

    /// <summary>The client's registration, its connection lease and its claim on its id, let go together.</summary>
    private sealed class Leases(params IDisposable?[] leases) : IDisposable
    {
        public void Dispose()
        {
            foreach (var lease in leases) lease?.Dispose();
        }
    }
}

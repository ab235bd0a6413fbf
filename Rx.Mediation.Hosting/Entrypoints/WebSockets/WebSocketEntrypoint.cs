using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Bridging;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Entrypoints.WebSockets;

/// <summary>
/// <c>{path}?topic=a&amp;topic=b/+&amp;clientId=…&amp;envelope=true&amp;publishTopic=…</c> upgraded to a WebSocket: frames
/// in both directions are events. Inbound messages are published on <c>publishTopic</c> (default: the first topic
/// without wildcards, else the entrypoint's default topic), or on the envelope's topic in envelope mode.
/// Outbound: the payload alone (text frame when it is UTF-8, binary otherwise), or a JSON envelope.
/// See <see cref="WebSocketMessages"/> for the control messages (authenticated, welcome, rejected, error). With callers
/// authenticated, an upgrade without a credential is identified by its first message (<see cref="FirstMessageCredential"/>).
/// </summary>
public sealed class WebSocketEntrypoint(WebSocketEntrypointOptions options) : WebEntrypoint(options)
{
    private long _rateLimited;

    /// <summary>Inbound messages refused because their connection sent faster than Mediation:Security:WebSocketMessagesPerSecond.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    internal void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    /// <summary>Close status for a client closed by the slow-client policy: 1013 Try Again Later.</summary>
    public const int SlowClientCloseStatus = 1013;

    public WebSocketEntrypointOptions Options { get; } = options;

    public ClientRegistry Clients { get; } = new();

    public override string Scheme => "ws";

    public override IEndpointConventionBuilder Map(IEndpointRouteBuilder routes) =>
        routes.Map(Path, HandleAsync).WithDisplayName($"entrypoint {Name} (WebSocket {Path})");

    public override void OnNext(Event value)
    {
        if (value.Kind == EventKind.Data) Clients.Deliver(value); // lifecycle events are for back ends, not browsers
    }

    internal void Publish(Event lifecycle) => Announce(lifecycle);

    internal ValueTask<Nodes.Admission> OfferInboundAsync(Event value, CancellationToken cancellationToken) => OfferAsync(value, cancellationToken);

    // Enter/leave rather than a disposable: boxing the tracker cost an allocation per inbound message.
    internal void EnterInboundMessage() => EnterInbound();

    internal void LeaveInboundMessage() => LeaveInbound();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "not-websocket",
                $"entrypoint '{Name}' speaks WebSocket: connect with an upgrade request (ws://…{Path})");
            return;
        }
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }
        if (!ClientQuery.TryTopics(request, DefaultTopic, TopicRules, out var topics, out var refusal))
        {
            await JsonErrors.WriteBadTopicAsync(context, refusal);
            return;
        }
        var publishTopic = request.Query["publishTopic"].ToString().Trim();
        var publishTopicGiven = publishTopic.Length > 0;
        if (publishTopic.Length == 0) publishTopic = topics.FirstOrDefault(t => !t.IsWildcard)?.Text ?? DefaultTopic;
        if (!TopicRules.IsPublishable(publishTopic, out refusal))
        {
            await JsonErrors.WriteBadTopicAsync(context, refusal);
            return;
        }
        if (FirstMessageCredential.Awaited(context) is { } access)
        {
            await HandleAuthenticatingAsync(context, access, topics, publishTopic, publishTopicGiven);
            return;
        }
        var caller = await AdmitSubscriberAsync(context, topics);
        if (caller is null) return;
        // A publish topic asked for at connect is checked now; the default one only when a message uses it.
        if (publishTopicGiven && !caller.MayPublish(publishTopic, ClientQuery.TryGivenClientId(request, out var givenId, out var idProblem) ? givenId : null))
        {
            await ForbidAsync(context, caller, "publish", publishTopic);
            return;
        }

        var registered = await RegisterClientAsync(context, Clients, caller, topics!, Options);
        if (registered is null) return;
        var (client, registration) = registered.Value;
        using var _ = registration;
        await RunSessionAsync(context, null, client, caller, publishTopic, authenticatedByMessage: false);
    }

    /// <summary>
    /// An upgrade without a credential while callers need one: accepted, then identified by its first message
    /// (<see cref="FirstMessageCredential"/>); the checks a request gets before its upgrade follow, each closing the
    /// socket with 1008 and the reason it would have been answered.
    /// </summary>
    private async Task HandleAuthenticatingAsync(HttpContext context, Security.Identity.CallerAccess access, IReadOnlyList<Topics.TopicPattern> topics,
        string publishTopic, bool publishTopicGiven)
    {
        if (!ClientQuery.TryGivenClientId(context.Request, out var given, out var idError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-client-id", idError);
            return;
        }
        // The connection counts against the limits while it has yet to say who it is.
        var lease = TryLeaseConnection(context, out var refusal);
        if (refusal is not null)
        {
            context.Response.Headers.RetryAfter = "5";
            await JsonErrors.WriteAsync(context, refusal.Status, refusal.Code, refusal.Reason);
            return;
        }
        (ConnectedClient Client, IDisposable Registration)? registered = null;
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = Options.KeepAliveInterval });
            Security.Identity.Caller? caller;
            using (Sessions.Open())
            {
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Sessions.Closing);
                caller = await FirstMessageCredential.ReceiveAsync(this, socket, context, access, waiting.Token);
            }
            if (caller is null) return;
            refusal = SubscribeRefusal(context, caller, topics, given);
            if (refusal is null && publishTopicGiven && !caller.MayPublish(publishTopic, given))
            {
                CountForbidden(context, caller, "publish", publishTopic);
                refusal = new ClientRefusal(StatusCodes.Status403Forbidden, "forbidden", $"'{caller.Display}' may not publish '{publishTopic}' at entrypoint '{Name}'");
            }
            if (refusal is null)
            {
                registered = TryRegister(context, Clients, caller, given ?? ClientQuery.NewClientId(), topics, Options, lease, out refusal);
                lease = null; // the registration holds it now, or let it go with its refusal
            }
            if (registered is not { } session)
            {
                await FirstMessageCredential.RefuseAsync(socket, refusal!.Reason);
                return;
            }
            await socket.SendAsync(WebSocketMessages.Authenticated(caller.Name), System.Net.WebSockets.WebSocketMessageType.Text, true, context.RequestAborted);
            await RunSessionAsync(context, socket, session.Client, caller, publishTopic, authenticatedByMessage: true);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // The client went away before it was let in: nobody is left to tell.
        }
        finally
        {
            registered?.Registration.Dispose();
            lease?.Dispose();
        }
    }

    /// <summary>Runs the registered client's session on <paramref name="accepted"/>, or on the socket the upgrade is accepted as now.</summary>
    private async Task RunSessionAsync(HttpContext context, System.Net.WebSockets.WebSocket? accepted, ConnectedClient client, Security.Identity.Caller caller,
        string publishTopic, bool authenticatedByMessage)
    {
        // A client that sends the auth message although its upgrade carried a credential must not have it published.
        var holdBackAuth = !authenticatedByMessage && context.RequestServices?.GetService(typeof(Security.Identity.CallerAccess)) is not null;
        var outbox = client.Outbox;
        using var lease = Sessions.Open(outbox);
        try
        {
            using var socket = accepted ?? await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = Options.KeepAliveInterval });
            using var bucket = (context.RequestServices?.GetService(typeof(Options.MediationOptions)) as Options.MediationOptions)?.Security.WebSocketMessageBucket();
            var session = new WebSocketSession(this, socket, client, publishTopic, ClientQuery.QueryFlag(context.Request, "envelope", Options.Envelope), bucket, caller, context, holdBackAuth);
            await session.RunAsync(context.RequestAborted);
        }
        finally
        {
            outbox.Close();
        }
    }
}

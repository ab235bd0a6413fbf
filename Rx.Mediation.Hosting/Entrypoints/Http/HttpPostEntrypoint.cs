using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Net.Http.Headers;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Hosting.Options;

namespace Rx.Mediation.Hosting.Entrypoints.Http;

/// <summary>
/// <c>POST {path}?topic=…</c>: the body becomes one event. Answers 202 <c>{id, topic}</c> when a route took it,
/// 503 + Retry-After when every route refused it (full, stopping), 404 when no route takes that topic from here,
/// 403 outside the caller's rights (to publish on the topic, to address the client named by <c>X-Client-Id</c>),
/// 400 for a bad topic, client id or header, or a body declared JSON that is not (naming the byte offset), and 413 for
/// a body over <see cref="HttpEntrypointOptions.MaxBodyBytes"/>.
/// </summary>
public sealed class HttpPostEntrypoint(HttpEntrypointOptions options) : WebEntrypoint(options)
{
    /// <summary>A client gets 202 only once a route accepted its event, and 503 (retry) otherwise.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.AcknowledgesAfterAcceptance;

    public const string TopicHeader = "X-Topic";

    /// <summary>Request headers named <c>X-Header-{name}</c> become event header <c>{name}</c>, unless the server sets it (<see cref="ClientHeaders.Reserved"/>).</summary>
    public const string CustomHeaderPrefix = "X-Header-";

    public long MaxBodyBytes { get; } = options.MaxBodyBytes;

    public override IEndpointConventionBuilder Map(IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, HandleAsync).WithDisplayName($"entrypoint {Name} (POST {Path})");

    // Nothing is pushed to HTTP POST clients: a route targeting this entrypoint has no one to deliver to.
    public override void OnNext(Event value) { }

    private static Task RateLimitedAsync(HttpContext context, TimeSpan retryAfter, string reason)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return JsonErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", reason);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsRefusing)
        {
            await RefuseUnreadAsync(context);
            return;
        }
        if (context.RequestServices?.GetService(typeof(Security.PostRateLimiter)) is Security.PostRateLimiter rate
            && !rate.TryTake(context.Connection.RemoteIpAddress?.ToString(), out var retryAfter))
        {
            await RateLimitedAsync(context, retryAfter, $"this client address may POST {rate.PerSecond} times per second (Mediation:Security:PostsPerSecondPerAddress)");
            return;
        }
        var caller = await IdentifyAsync(context);
        if (caller is null) return;
        if (context.RequestServices?.GetService(typeof(Security.PostRateLimiter)) is Security.PostRateLimiter principalRate
            && !principalRate.TryTakeFor(caller.Name, out var principalRetryAfter))
        {
            await RateLimitedAsync(context, principalRetryAfter, $"'{caller.Display}' may POST {principalRate.PerPrincipalSecond} times per second (Mediation:Security:PostsPerSecondPerPrincipal)");
            return;
        }
        var topic = FirstNonEmpty(request.Query["topic"].ToString(), request.Headers[TopicHeader].ToString()) ?? DefaultTopic;
        if (!TopicRules.IsPublishable(topic, out var refusal))
        {
            await JsonErrors.WriteBadTopicAsync(context, refusal);
            return;
        }
        if (!caller.MayPublish(topic))
        {
            await ForbidAsync(context, caller, "publish", topic);
            return;
        }
        if (!ClientQuery.TryGivenClientId(request, out var clientId, out var idError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-client-id", idError);
            return;
        }
        // An id sends the event straight to that client, past its topic filters: only to the caller's own, or by a right.
        if (clientId is not null && !caller.MayAddress(clientId, context.RequestServices?.GetService<Clients.ClientIdOwners>()))
        {
            CountRefusedRight(context, caller, topic, "forbidden-address");
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden",
                $"'{caller.Display}' may not address client '{clientId}' at entrypoint '{Name}': it is no client id of its own, and no Address right covers it",
                new { clientId, action = "address" });
            return;
        }
        if (!TryHeadersOf(request, out var headers, out var headerError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-header", headerError);
            return;
        }

        var body = await ReadBodyAsync(context);
        if (body is null) return; // answered already
        if (IsJson(request.ContentType) && JsonCheck.Find(body) is { } fault)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-json",
                $"the body is declared JSON ({request.ContentType}) but is not valid JSON in UTF-8 at {fault}", new { offset = fault.Offset });
            return;
        }

        // In flight only from here: a client still sending its body is no reason to hold shutdown up.
        using var inFlight = TrackInbound();
        // Checked after entering: shutdown may have begun while the body was arriving, and once it waits for this
        // entrypoint to be idle, either it sees this request or this request sees that it is refusing.
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }

        var value = Event.Create(Name, topic, body, caller.Stamp(headers), clientId);
        var admission = await OfferAsync(value, context.RequestAborted);
        switch (admission.Status)
        {
            case AdmissionStatus.Accepted:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsJsonAsync(new AcceptedBody(value.Id, topic), context.RequestAborted);
                break;
            case AdmissionStatus.Rejected:
                await JsonErrors.WriteRejectedAsync(context, admission);
                break;
            default:
                await JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "no-route",
                    $"no route takes topic '{topic}' from entrypoint '{Name}'", new { topic, entrypoint = Name });
                break;
        }
    }

    /// <summary>
    /// The body, or null once the request has been answered: 413 when too large, 503 when the server began stopping
    /// while it arrived, the status Kestrel chose when the client broke the protocol or sent too slowly.
    /// </summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted, Refused);
            if (body is null)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "too-large",
                    $"the body is larger than the {MaxBodyBytes} bytes entrypoint '{Name}' accepts", new { maxBytes = MaxBodyBytes });
            }
            return body;
        }
        catch (OperationCanceledException) when (Refused.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            await RefuseUnreadAsync(context);
            return null;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            // Kestrel's verdict on the client (too slow, malformed chunks): a warning, not an error of ours.
            ClientFaults.Report(LoggerOf(context), Name, "request body", ex.Message);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
                await JsonErrors.WriteAsync(context, ex.StatusCode, "bad-body", ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away mid-body: nobody is left to answer.
            return null;
        }
    }

    /// <summary>
    /// Answers 503 to a request whose body may still be arriving, then holds the request until Kestrel itself stops
    /// (or the entrypoint goes away) and cuts the connection. Returning at once would let Kestrel read the rest of the
    /// body first, holding the stop up for as long as the client sends. Cutting resets a connection with unread input,
    /// which can discard an answer the client has not read yet: it gets <see cref="AnswerLinger"/> first.
    /// </summary>
    private async Task RefuseUnreadAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }
        context.Response.Headers.Connection = "close";
        await JsonErrors.WriteStoppingAsync(context, Name);
        await context.Response.CompleteAsync();
        var answered = Stopwatch.GetTimestamp();
        var kestrelStopping = context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? Sessions.Closing;
        using (var cut = CancellationTokenSource.CreateLinkedTokenSource(kestrelStopping, Sessions.Aborting, context.RequestAborted))
            await WaitAsync(Timeout.InfiniteTimeSpan, cut.Token);
        var left = AnswerLinger - Stopwatch.GetElapsedTime(answered);
        if (left > TimeSpan.Zero) await WaitAsync(left, context.RequestAborted);
        context.Abort();
    }

    /// <summary>How long a client cut off mid-body has, at least, to read the 503 before its connection is reset (a lingering close).</summary>
    private static readonly TimeSpan AnswerLinger = TimeSpan.FromMilliseconds(500);

    private static Task WaitAsync(TimeSpan time, CancellationToken cancellationToken) =>
        Task.Delay(time, cancellationToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Content-Type <c>application/json</c> or any <c>…/…+json</c>, with or without parameters.</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static bool TryHeadersOf(HttpRequest request, out EventHeaders headers, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        headers = EventHeaders.Empty;
        error = null;
        if (!string.IsNullOrEmpty(request.ContentType)) headers = headers.With("content-type", request.ContentType);
        foreach (var (name, values) in request.Headers)
        {
            if (name.Length > CustomHeaderPrefix.Length && name.StartsWith(CustomHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                && !ClientHeaders.TryAdd(ref headers, name[CustomHeaderPrefix.Length..].ToLowerInvariant(), values.ToString(), out error))
                return false;
        }
        return true;
    }

    private static ILogger LoggerOf(HttpContext context) =>
        context.RequestServices.GetService<ILogger<HttpPostEntrypoint>>() ?? (ILogger)NullLogger.Instance;

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private sealed record AcceptedBody(string Id, string Topic);
}

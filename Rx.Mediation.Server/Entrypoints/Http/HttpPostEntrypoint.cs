using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Server.Options;

namespace Rx.Mediation.Server.Entrypoints.Http;

/// <summary>
/// <c>POST {path}?topic=…</c>: the body becomes one event. Answers 202 <c>{id, topic}</c> when a route took it,
/// 503 + Retry-After when every route refused it (full, stopping), 404 when no route takes that topic from here,
/// 400 for a bad topic, 413 for a body over <see cref="HttpEntrypointOptions.MaxBodyBytes"/>.
/// </summary>
public sealed class HttpPostEntrypoint(HttpEntrypointOptions options) : WebEntrypoint(options)
{
    /// <summary>A client gets 202 only once a route accepted its event, and 503 (retry) otherwise.</summary>
    public override DeliveryCapabilities Capabilities => DeliveryCapabilities.AcknowledgesAfterAcceptance;

    public const string TopicHeader = "X-Topic";

    /// <summary>Request headers named <c>X-Header-{name}</c> become event header <c>{name}</c>.</summary>
    public const string CustomHeaderPrefix = "X-Header-";

    public long MaxBodyBytes { get; } = options.MaxBodyBytes;

    public override IEndpointConventionBuilder Map(IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, HandleAsync).WithDisplayName($"entrypoint {Name} (POST {Path})");

    // Nothing is pushed to HTTP POST clients: a route targeting this entrypoint has no one to deliver to.
    public override void OnNext(Event value) { }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }
        var topic = FirstNonEmpty(request.Query["topic"].ToString(), request.Headers[TopicHeader].ToString()) ?? DefaultTopic;
        if (!ClientQuery.IsPublishable(topic, out var topicError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-topic", topicError!, new { topic });
            return;
        }

        using var inFlight = TrackInbound();
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "too-large",
                $"the body is larger than the {MaxBodyBytes} bytes entrypoint '{Name}' accepts", new { maxBytes = MaxBodyBytes });
            return;
        }
        // Checked again: shutdown may have begun while the body was arriving.
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }

        var value = Event.Create(Name, topic, body, HeadersOf(request), ClientQuery.GivenClientId(request));
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

    private static EventHeaders HeadersOf(HttpRequest request)
    {
        var headers = EventHeaders.Empty;
        if (!string.IsNullOrEmpty(request.ContentType)) headers = headers.With("content-type", request.ContentType);
        foreach (var (name, values) in request.Headers)
        {
            if (name.Length > CustomHeaderPrefix.Length && name.StartsWith(CustomHeaderPrefix, StringComparison.OrdinalIgnoreCase))
                headers = headers.With(name[CustomHeaderPrefix.Length..].ToLowerInvariant(), values.ToString());
        }
        return headers;
    }

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private sealed record AcceptedBody(string Id, string Topic);
}

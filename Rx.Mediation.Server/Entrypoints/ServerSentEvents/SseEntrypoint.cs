using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Bridging;
using Rx.Mediation.Buffers;
using Rx.Mediation.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Server.Options;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Entrypoints.ServerSentEvents;

/// <summary>
/// <c>GET {path}?topic=…</c> as <c>text/event-stream</c>. Events routed here are kept in a bounded
/// <see cref="TopicLog"/> for resume and queued per client (<see cref="ClientOutbox"/>): a client addressed by
/// client id gets its events alone, others get what matches their topic filters.
/// <para>Resume: <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first replays the buffered events after that id.
/// An id no longer buffered replays the buffered events with a greater id (ids grow with time), so a client
/// that was away too long gets what is left rather than nothing.</para>
/// </summary>
public sealed class SseEntrypoint : WebEntrypoint
{
    private readonly SseEntrypointOptions _options;

    public SseEntrypoint(SseEntrypointOptions options)
        : base(options)
    {
        _options = options;
        Log = new TopicLog(options.ReplayCapacityPerTopic, options.ReplayMaxTopics);
    }

    public ClientRegistry Clients { get; } = new();

    public TopicLog Log { get; }

    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    public override IEndpointConventionBuilder Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, HandleAsync).WithDisplayName($"entrypoint {Name} (SSE {Path})");

    // Appended before delivery: a client connecting in between finds the event in the log, and dedupes by id.
    public override void OnNext(Event value)
    {
        if (value.Kind != EventKind.Data) return; // lifecycle events are for back ends, not browsers
        Log.Append(value);
        Clients.Deliver(value);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }
        if (!ClientQuery.TryTopics(request, DefaultTopic, out var topics, out var topicError))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "bad-topic", topicError!);
            return;
        }
        var registered = await RegisterClientAsync(context, Clients, topics!, _options);
        if (registered is null) return;
        var (client, registration) = registered.Value;
        using var _ = registration;
        var clientId = client.Id;
        var outbox = client.Outbox;
        using var session = Sessions.Open(outbox);

        // Read after registering: whatever is appended from now on is also queued, so nothing falls in between.
        var lastEventId = FirstNonEmpty(request.Headers["Last-Event-ID"].ToString(), request.Query["lastEventId"].ToString());
        var replay = lastEventId is null ? [] : Replay(topics, lastEventId);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold events back
        response.Headers[ClientQuery.ClientIdHeader] = clientId;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var firstTopic = topics[0].Text;
        Announce(Event.Connect(Name, clientId, firstTopic).WithHeader("topics", string.Join(",", topics.Select(t => t.Text))));
        var reason = "client disconnected";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, outbox.Closed, Sessions.Aborting);
        try
        {
            await response.StartAsync(stop.Token);
            reason = await StreamAsync(response, outbox, replay, stop.Token) ?? reason;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            reason = outbox.CloseReason ?? (Sessions.Aborting.IsCancellationRequested ? "server stopping" : "client disconnected");
        }
        finally
        {
            outbox.Close();
            Announce(Event.Disconnect(Name, clientId, firstTopic, reason));
        }
    }

    /// <summary>Writes the replay, then live events and heartbeats until the outbox ends; returns why it ended, if the server ended it.</summary>
    private async Task<string?> StreamAsync(HttpResponse response, ClientOutbox outbox, IReadOnlyList<LoggedEvent> replay, CancellationToken cancellationToken)
    {
        var output = response.BodyWriter;
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in replay)
        {
            SseFormat.WriteEvent(output, item.Event);
            replayed.Add(item.Event.Id);
        }
        await output.FlushAsync(cancellationToken);

        var reader = outbox.Reader;
        // One heartbeat timer for the whole stream, renewed when it fires: a comment every interval, busy or idle.
        var heartbeat = Task.Delay(_options.HeartbeatInterval, cancellationToken);
        Task<bool>? waiting = null;
        while (true)
        {
            var written = false;
            while (reader.TryRead(out var value))
            {
                if (replayed.Count > 0 && replayed.Remove(value.Id)) continue;
                SseFormat.WriteEvent(output, value);
                written = true;
            }
            if (written) await output.FlushAsync(cancellationToken);

            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            var ready = await Task.WhenAny(waiting, heartbeat);
            if (ready == heartbeat)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await output.WriteAsync(SseFormat.Keepalive, cancellationToken);
                heartbeat = Task.Delay(_options.HeartbeatInterval, cancellationToken);
                continue;
            }
            var more = await waiting;
            waiting = null;
            if (!more) return Sessions.Closing.IsCancellationRequested ? "server stopping" : outbox.CloseReason;
        }
    }

    private IReadOnlyList<LoggedEvent> Replay(IReadOnlyList<TopicPattern> topics, string lastEventId)
    {
        var after = Log.FindSequence(lastEventId);
        var items = new List<LoggedEvent>();
        foreach (var topic in topics) items.AddRange(Log.ReadAfter(topic, after ?? 0, _options.ReplayCapacityPerTopic * 4));
        if (after is null) items.RemoveAll(i => string.CompareOrdinal(i.Event.Id, lastEventId) <= 0);
        return items.DistinctBy(i => i.Sequence).OrderBy(i => i.Sequence).ToList();
    }

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

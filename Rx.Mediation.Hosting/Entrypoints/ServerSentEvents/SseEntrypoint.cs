using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Bridging;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Hosting.Clients;
using Rx.Mediation.Hosting.Entrypoints.Resume;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Replay;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;

/// <summary>
/// <c>GET {path}?topic=…</c> as <c>text/event-stream</c>. Events routed here are kept in a bounded
/// <see cref="TopicLog"/> for resume and queued per client (<see cref="ClientOutbox"/>): a client addressed by
/// client id gets its events alone, others get what matches their topic filters.
/// <para>Resume: <c>Last-Event-ID</c> (or <c>?lastEventId=</c>), answered in the <c>X-Resume</c> header:</para>
/// <list type="bullet">
/// <item><c>buffer</c>: the id is buffered here, and nothing after it was evicted: the buffered events after it.</item>
/// <item><c>gap</c>: the id is buffered here but events after it were evicted (the buffer's bounds per topic, in bytes,
/// in topics), or it is an id of this server's own form (16 hex digits) no longer buffered: what is left after it, the
/// buffered events with a greater id, announced by a comment. Events in between are missing.</item>
/// <item><c>broker</c>: the id is a position of a replayable source routed here (Kafka: <c>topic@partition#offset</c>,
/// more partitions after commas), not buffered here (another server instance, or evicted): the events after it are
/// read from the broker through the routes' stages, then the live stream follows with no gap and no duplicate
/// (<see cref="SseBrokerReplay"/>). If the broker cannot be read the stream ends with a <c>retry:</c> so the client
/// comes back with the same id.</item>
/// <item><c>none</c>: any other id (malformed, from elsewhere, a broker position no route here serves): live events
/// only, announced by a comment.</item>
/// </list>
/// The id is found in O(1) (the buffer indexes ids); the replay is read page by page and flushed as it goes, up to the
/// buffer's end when the client connected (later events reach it live). A page that finds events evicted meanwhile
/// (a slow reader of a busy buffer) is announced by a <c>: gap:</c> comment.
/// </summary>
public sealed class SseEntrypoint : WebEntrypoint
{
    private readonly SseEntrypointOptions _options;

    public SseEntrypoint(SseEntrypointOptions options)
        : base(options)
    {
        _options = options;
        Log = new TopicLog(options.ReplayLimits, ReportEviction);
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
        var sequence = Log.Append(value);
        // Evicted later, an event some client had is no loss.
        if (Clients.Deliver(value) > 0) Log.MarkRead(sequence);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
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
        if (await AdmitSubscriberAsync(context, topics) is not { } caller) return;
        var registered = await RegisterClientAsync(context, Clients, caller, topics!, _options);
        if (registered is null) return;
        var (client, registration) = registered.Value;
        using var _ = registration;
        var clientId = client.Id;
        var outbox = client.Outbox;
        using var session = Sessions.Open(outbox);

        // Read after registering: whatever is appended from now on is also queued, so nothing falls in between.
        var lastEventId = FirstNonEmpty(request.Headers["Last-Event-ID"].ToString(), request.Query["lastEventId"].ToString());
        var resume = lastEventId is null ? Resumption.None : Resume(context, topics, lastEventId);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold events back
        response.Headers[ClientQuery.ClientIdHeader] = clientId;
        if (lastEventId is not null) response.Headers[ResumeHeader] = resume.Kind;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var firstTopic = topics[0].Text;
        Announce(Event.Connect(Name, clientId, firstTopic).WithHeader("topics", string.Join(",", topics.Select(t => t.Text))));
        var reason = "client disconnected";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, outbox.Closed, Sessions.Aborting);
        try
        {
            await response.StartAsync(stop.Token);
            ReplaySeam? seam = null;
            if (resume.Broker is { } broker)
            {
                var logger = BrokerResume.Logger(context, typeof(SseEntrypoint).FullName!);
                try
                {
                    seam = await SseBrokerReplay.RunAsync(response.BodyWriter, client, Clients, broker, _options.HeartbeatInterval, logger, Name, stop.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not IOException and not ObjectDisposedException)
                {
                    // Ending the stream makes EventSource come back with its last id: nothing is skipped meanwhile.
                    logger.LogWarning("SSE client {Client} of {Entrypoint} could not resume from {Source}: {Reason}", clientId, Name, broker.Source.Name, ex.Message);
                    SseFormat.WriteRetry(response.BodyWriter, ResumeRetry);
                    SseFormat.WriteComment(response.BodyWriter, $"resume failed: {ex.Message}");
                    await response.BodyWriter.FlushAsync(stop.Token);
                    reason = "resume from the broker failed";
                    return;
                }
            }
            else if (resume.Kind == "none")
            {
                SseFormat.WriteComment(response.BodyWriter, "resume: the Last-Event-ID is not known here; live events only");
            }
            var replayed = resume.Kind is "buffer" or "gap" ? await ReplayAsync(response.BodyWriter, topics, resume, stop.Token) : null;
            reason = await StreamAsync(response, client, replayed, seam, stop.Token) ?? reason;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            reason = outbox.CloseReason ?? (Sessions.Aborting.IsCancellationRequested ? "server stopping" : "client disconnected");
        }
        finally
        {
            if (client.RevokedBecause is { } revoked) await EndRevokedAsync(context, revoked);
            outbox.Close();
            Announce(Event.Disconnect(Name, clientId, firstTopic, reason));
        }
    }

    /// <summary>
    /// Writes the buffered events after the client's position, page by page, up to the buffer's end as the client
    /// connected: events after that were queued for it live. Returns the ids written, so the live stream skips them.
    /// </summary>
    private async Task<HashSet<string>> ReplayAsync(PipeWriter output, IReadOnlyList<TopicPattern> topics, Resumption resume, CancellationToken cancellationToken)
    {
        if (resume.Kind == "gap") SseFormat.WriteComment(output, "resume: events after the Last-Event-ID are no longer buffered here; what is left follows");
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        var flusher = new ResponseFlusher(output);
        var end = Log.LastSequence;
        var after = resume.After;
        while (after < end)
        {
            var page = Log.Read(topics, after, ReplayPage);
            // A gap on the first page of a "gap" resume is the one announced already.
            if (page.Gap && (after != resume.After || resume.Kind != "gap"))
                SseFormat.WriteComment(output, "gap: events were evicted from the replay buffer before they could be sent");
            foreach (var item in page.Items)
            {
                if (item.Sequence > end) break;
                if (resume.NewerThanId is { } id && string.CompareOrdinal(item.Event.Id, id) <= 0) continue;
                await flusher.WroteAsync(SseFormat.WriteEvent(output, item.Event), cancellationToken);
                replayed.Add(item.Event.Id);
            }
            after = page.Through;
        }
        await flusher.FlushAsync(cancellationToken);
        return replayed;
    }

    /// <summary>Writes live events and heartbeats until the outbox ends; returns why it ended, if the server ended it.</summary>
    /// <param name="replayed">Ids the replay wrote already: skipped when they come live.</param>
    /// <param name="seam">For a client that resumed from the broker: drops live events it already got, and gives the ids.</param>
    private async Task<string?> StreamAsync(HttpResponse response, ConnectedClient client, HashSet<string>? replayed, ReplaySeam? seam, CancellationToken cancellationToken)
    {
        var outbox = client.Outbox;
        var output = response.BodyWriter;
        await output.FlushAsync(cancellationToken);
        var flusher = new ResponseFlusher(output);

        // One heartbeat timer for the whole stream, renewed when it fires: a comment every interval, busy or idle.
        var heartbeat = Task.Delay(_options.HeartbeatInterval, cancellationToken);
        Task<bool>? waiting = null;
        while (true)
        {
            var written = false;
            while (client.RevokedBecause is null && outbox.TryRead(out var value))
            {
                if (replayed is { Count: > 0 } && replayed.Remove(value.Id)) continue;
                long bytes;
                if (seam is null) bytes = SseFormat.WriteEvent(output, value);
                else if (seam.TryAdmit(value, out var id)) bytes = SseFormat.WriteEvent(output, value, id);
                else continue;
                Operations.Metrics.ClientDelivery.Written(this, value);
                written = true;
                await flusher.WroteAsync(bytes, cancellationToken);
            }
            if (written) await flusher.FlushAsync(cancellationToken);
            if (client.RevokedBecause is { } revoked) return revoked;

            waiting ??= outbox.WaitToReadAsync(cancellationToken).AsTask();
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

    /// <summary>
    /// Reloaded rights no longer cover the stream: a stream not yet started is answered 403 as a refused subscribe is;
    /// a running one gets a last comment with the reason, then ends. EventSource comes back and is answered 403,
    /// which makes it stop.
    /// </summary>
    private static async Task EndRevokedAsync(HttpContext context, string reason)
    {
        try
        {
            if (!context.Response.HasStarted)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", reason);
                return;
            }
            SseFormat.WriteComment(context.Response.BodyWriter, $"forbidden: {reason}");
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone already: nobody is left to tell.
        }
    }

    /// <summary>How a client resumes after <paramref name="lastEventId"/> (see the class summary).</summary>
    private Resumption Resume(HttpContext context, IReadOnlyList<TopicPattern> topics, string lastEventId)
    {
        // SSE wrote the resume id (for most events the event id); a client may also hold a bare event id. The log indexes both.
        var after = Log.FindSequence(lastEventId);
        if (after is { } found && topics.All(t => Log.Holds(t, found))) return Resumption.FromBuffer("buffer", found);
        if (BrokerResume.Find(context, Name, lastEventId) is { } broker) return Resumption.FromBroker(broker);
        if (after is { } kept) return Resumption.FromBuffer("gap", kept);
        if (!IsOwnId(lastEventId)) return Resumption.None with { Kind = "none" };
        // Ids of this form grow with time: what is left after it is what has a greater id.
        return Resumption.FromBuffer("gap", 0) with { NewerThanId = lastEventId };
    }

    /// <summary>An id of the form this server gives events (<see cref="EventIds"/>): 16 hex digits, growing with time.</summary>
    private static bool IsOwnId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigit);

    /// <summary>Announces how a <c>Last-Event-ID</c> was honoured: <c>buffer</c>, <c>broker</c> or <c>none</c>.</summary>
    public const string ResumeHeader = "X-Resume";

    /// <summary>How long EventSource waits before it comes back when resuming from the broker failed.</summary>
    private static readonly TimeSpan ResumeRetry = TimeSpan.FromSeconds(2);

    /// <summary>Events a replay page reads at a time: the log's lock is held for one page, not a whole replay.</summary>
    private const int ReplayPage = 256;

    /// <param name="After">For <c>buffer</c> and <c>gap</c>: the sequence the replay starts after.</param>
    /// <param name="NewerThanId">For an own id no longer buffered: only events with a greater id are replayed.</param>
    private sealed record Resumption(string Kind, long After, RouteReplay? Broker, string? NewerThanId = null)
    {
        public static Resumption None { get; } = new("", 0, null);

        public static Resumption FromBuffer(string kind, long after) => new(kind, after, null);

        public static Resumption FromBroker(RouteReplay replay) => new("broker", 0, replay);
    }

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

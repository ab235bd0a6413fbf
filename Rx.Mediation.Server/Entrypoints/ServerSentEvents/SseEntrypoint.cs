using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Bridging;
using Rx.Mediation.Buffers;
using Rx.Mediation.Clients;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;
using Rx.Mediation.Server.Entrypoints.Resume;
using Rx.Mediation.Server.Options;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Entrypoints.ServerSentEvents;

/// <summary>
/// <c>GET {path}?topic=…</c> as <c>text/event-stream</c>. Events routed here are kept in a bounded
/// <see cref="TopicLog"/> for resume and queued per client (<see cref="ClientOutbox"/>): a client addressed by
/// client id gets its events alone, others get what matches their topic filters.
/// <para>Resume: <c>Last-Event-ID</c> (or <c>?lastEventId=</c>), answered in the <c>X-Resume</c> header:</para>
/// <list type="bullet">
/// <item><c>buffer</c>: the id is buffered here, and nothing after it was evicted: the buffered events after it.</item>
/// <item><c>broker</c>: the id is a position of a replayable source routed here (Kafka: <c>topic@partition#offset</c>,
/// more partitions after commas), not buffered here (another server instance, or evicted): the events after it are
/// read from the broker through the routes' stages, then the live stream follows with no gap and no duplicate
/// (<see cref="SseBrokerReplay"/>). If the broker cannot be read the stream ends with a <c>retry:</c> so the client
/// comes back with the same id.</item>
/// <item><c>buffer</c> too for an id of this server's own form (16 hex digits) no longer buffered: the buffered events
/// with a greater id (ids grow with time), so a client away too long gets what is left rather than nothing.</item>
/// <item><c>none</c>: any other id (malformed, from elsewhere, a broker position no route here serves): live events
/// only, announced by a comment.</item>
/// </list>
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
        if (!ClientQuery.TryTopics(request, DefaultTopic, TopicRules, out var topics, out var refusal))
        {
            await JsonErrors.WriteBadTopicAsync(context, refusal);
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
            reason = await StreamAsync(response, outbox, resume.Buffered, seam, stop.Token) ?? reason;
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
    /// <param name="seam">For a client that resumed from the broker: drops live events it already got, and gives the ids.</param>
    private async Task<string?> StreamAsync(HttpResponse response, ClientOutbox outbox, IReadOnlyList<LoggedEvent> replay, ReplaySeam? seam, CancellationToken cancellationToken)
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
                if (seam is null) SseFormat.WriteEvent(output, value);
                else if (seam.TryAdmit(value, out var id)) SseFormat.WriteEvent(output, value, id);
                else continue;
                Operations.Metrics.ClientDelivery.Written(this, value);
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

    /// <summary>How a client resumes after <paramref name="lastEventId"/> (see the class summary).</summary>
    private Resumption Resume(HttpContext context, IReadOnlyList<TopicPattern> topics, string lastEventId)
    {
        // SSE wrote the resume id (for most events the event id); a client may also hold a bare event id.
        var after = Log.FindSequence(e => e.Id == lastEventId || ResumeIds.Of(e) == lastEventId);
        if (after is { } found && topics.All(t => Log.Holds(t, found))) return Resumption.FromBuffer(Read(topics, found));
        if (BrokerResume.Find(context, Name, lastEventId) is { } broker) return Resumption.FromBroker(broker);
        if (after is { } kept) return Resumption.FromBuffer(Read(topics, kept));
        if (!IsOwnId(lastEventId)) return Resumption.None with { Kind = "none" };
        var items = Read(topics, 0);
        items.RemoveAll(i => string.CompareOrdinal(i.Event.Id, lastEventId) <= 0);
        return Resumption.FromBuffer(items);
    }

    private List<LoggedEvent> Read(IReadOnlyList<TopicPattern> topics, long after)
    {
        var items = new List<LoggedEvent>();
        foreach (var topic in topics) items.AddRange(Log.ReadAfter(topic, after, _options.ReplayCapacityPerTopic * 4));
        return items.DistinctBy(i => i.Sequence).OrderBy(i => i.Sequence).ToList();
    }

    /// <summary>An id of the form this server gives events (<see cref="EventIds"/>): 16 hex digits, growing with time.</summary>
    private static bool IsOwnId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigit);

    /// <summary>Announces how a <c>Last-Event-ID</c> was honoured: <c>buffer</c>, <c>broker</c> or <c>none</c>.</summary>
    public const string ResumeHeader = "X-Resume";

    /// <summary>How long EventSource waits before it comes back when resuming from the broker failed.</summary>
    private static readonly TimeSpan ResumeRetry = TimeSpan.FromSeconds(2);

    private sealed record Resumption(string Kind, IReadOnlyList<LoggedEvent> Buffered, RouteReplay? Broker)
    {
        public static Resumption None { get; } = new("", [], null);

        public static Resumption FromBuffer(IReadOnlyList<LoggedEvent> items) => new("buffer", items, null);

        public static Resumption FromBroker(RouteReplay replay) => new("broker", [], replay);
    }

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

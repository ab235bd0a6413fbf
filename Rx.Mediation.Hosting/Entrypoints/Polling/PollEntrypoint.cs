using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Buffers;
using Rx.Mediation.Hosting.Entrypoints.Resume;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Replay;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints.Polling;

/// <summary>
/// <c>GET {path}?topic=&amp;cursor=&amp;limit=&amp;timeout=</c>: reads a bounded per-topic log of what routes sent here.
/// Answers <c>{ "items": [ {id, topic, headers, payload, encoding, timestamp, cursor} ], "nextCursor": "…" }</c>.
/// <list type="bullet">
/// <item>No cursor: from the oldest event still buffered. A cursor from another server process: the same, with <c>"reset": true</c>.</item>
/// <item><c>timeout</c> in seconds (decimals allowed): how long to wait when nothing is there yet; default
/// <see cref="PollEntrypointOptions.DefaultTimeout"/> (25 s), capped at <see cref="PollEntrypointOptions.MaxTimeout"/>;
/// 0 answers at once. On timeout <c>items</c> is empty and <c>nextCursor</c> is the cursor to poll with next.</item>
/// <item><c>limit</c>: 1…MaxLimit items (default 100), a maximum: a page also ends before the event that would take it past
/// <see cref="PollEntrypointOptions.MaxPageBytes"/> (it always carries one), and <c>nextCursor</c> goes on from there.
/// The answer is written as it is produced, never built whole in memory.</item>
/// <item><c>"gap": true</c>: events after the cursor were evicted from the buffer (its bounds per topic, in bytes, in
/// topics) before this client read them; the items go on with what is left.</item>
/// <item>Items from a replayable source (Kafka) give cursors that also carry the client's broker position
/// (<see cref="PollCursor.Position"/>). Such a cursor from another server process, or one whose events this log has
/// evicted, resumes from the broker: the events after it are read through the routes' stages (<c>"resume":
/// "broker"</c>), page by page, and once caught up the client goes on with this log, the events it already got
/// dropped. If the broker cannot be read: <c>503</c> with <c>Retry-After</c>, the same cursor works later.</item>
/// </list>
/// </summary>
public sealed class PollEntrypoint : WebEntrypoint
{
    private readonly PollEntrypointOptions _options;
    private readonly long _epoch = Random.Shared.NextInt64(1, 0xFFFFFFFF);

    public PollEntrypoint(PollEntrypointOptions options)
        : base(options)
    {
        _options = options;
        // Polls read by sequence (the cursor): no id index to keep.
        Log = new TopicLog(options.Limits, ReportEviction, indexIds: false);
    }

    public TopicLog Log { get; }

    public override IEndpointConventionBuilder Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, HandleAsync).WithDisplayName($"entrypoint {Name} (GET {Path})");

    public override void OnNext(Event value)
    {
        if (value.Kind == EventKind.Data) Log.Append(value);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (IsRefusing)
        {
            await JsonErrors.WriteStoppingAsync(context, Name);
            return;
        }
        if (query["topic"].Count > 1)
        {
            await BadRequest(context, "bad-topic", "give one topic filter (wildcards '+' and '#' are allowed)");
            return;
        }
        var topicText = query["topic"].ToString();
        if (!TopicRules.TryParseFilter(string.IsNullOrWhiteSpace(topicText) ? DefaultTopic : topicText.Trim(), out var topic, out var refusal))
        {
            await JsonErrors.WriteBadTopicAsync(context, refusal);
            return;
        }
        if (await AdmitSubscriberAsync(context, [topic]) is not { } caller) return;

        var limit = _options.DefaultLimit;
        var limitText = query["limit"].ToString();
        if (!string.IsNullOrEmpty(limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > _options.MaxLimit))
        {
            await BadRequest(context, "bad-limit", $"limit must be a whole number from 1 to {_options.MaxLimit}, got '{limitText}'");
            return;
        }

        var timeout = _options.DefaultTimeout;
        var timeoutText = query["timeout"].ToString();
        if (!string.IsNullOrEmpty(timeoutText))
        {
            if (!double.TryParse(timeoutText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || double.IsNaN(seconds) || double.IsInfinity(seconds))
            {
                await BadRequest(context, "bad-timeout", $"timeout must be a number of seconds from 0 to {_options.MaxTimeout.TotalSeconds:0}, got '{timeoutText}'");
                return;
            }
            timeout = TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxTimeout.TotalSeconds));
        }

        var after = 0L;
        var reset = false;
        var fromStart = true; // no position of this log to have missed anything after
        string? resumed = null;
        RouteReplay? broker = null;
        var position = new PositionTracker(context);
        var cursorText = query["cursor"].ToString();
        if (!string.IsNullOrEmpty(cursorText))
        {
            if (!PollCursor.TryParse(cursorText, out var cursor))
            {
                await BadRequest(context, "bad-cursor", $"cursor '{cursorText}' is not one this server handed out: pass back a nextCursor, or omit it to start from the oldest buffered event");
                return;
            }
            var replay = cursor.Position is { } text ? BrokerResume.Find(context, Name, text) : null;
            position = new PositionTracker(context, replay, cursor.Position);
            if (cursor.Epoch == _epoch && (replay is null || Log.Holds(topic!, cursor.Sequence)))
            {
                after = cursor.Sequence;
                fromStart = false;
            }
            else if (replay is not null) broker = replay;
            else reset = true;
        }

        using var session = Sessions.Open();
        // Held while it waits: reloaded rights that no longer cover the filter answer it 403 at once.
        var (held, granted) = Granted.Hold(context, caller, [topic!]);
        using var lease = held;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Sessions.Closing, granted?.Ended ?? CancellationToken.None);
        if (broker is not null)
        {
            // Whatever reaches the log from now on is read from it next, the seam dropping what the replay gave already.
            var logEnd = Log.LastSequence;
            var page = await ReplayAsync(context, broker, position, topic!, limit, _options.MaxPageBytes, stop.Token);
            if (granted?.EndedBecause is { } revoked)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", revoked);
                return;
            }
            if (page.Error is { } error)
            {
                context.Response.Headers.RetryAfter = "1";
                await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "replay-failed",
                    $"could not read the events after this cursor from '{broker.Source.Name}': {error}; poll again with the same cursor");
                return;
            }
            if (page.Items.Count > 0 || !page.Complete || timeout <= TimeSpan.Zero)
            {
                var next = page.Complete ? new PollCursor(_epoch, logEnd, position.Text) : new PollCursor(0, 0, position.Text);
                await WriteAsync(context, page.Items, next, new PollFlags(Resumed: "broker"));
                return;
            }
            // Caught up with nothing to give: wait on the log like any poll.
            after = logEnd;
            fromStart = false;
            resumed = "broker";
        }

        var answered = new List<(Event Value, PollCursor Cursor)>();
        var gap = false;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            LogPage page;
            try
            {
                page = remaining <= TimeSpan.Zero
                    ? Log.Read(topic!, after, limit, _options.MaxPageBytes)
                    : await Log.WaitAfterAsync(topic!, after, limit, remaining, stop.Token, _options.MaxPageBytes);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The server is stopping: answer now with what is there, so the client can come back elsewhere.
                page = Log.Read(topic!, after, limit, _options.MaxPageBytes);
                remaining = TimeSpan.Zero;
            }
            // Reading from the oldest buffered event, a client has no position to have missed anything after.
            gap |= page.Gap && !fromStart;
            fromStart = false;
            foreach (var item in page.Items)
            {
                if (position.Admit(item.Event)) answered.Add((item.Event, new PollCursor(_epoch, item.Sequence, position.Text)));
            }
            // The log was read through here, matching or not: the client goes on after it.
            after = page.Through;
            // Only events the client already had (after a replay): wait for the rest of the timeout.
            if (answered.Count > 0 || page.Items.Count == 0 || remaining <= TimeSpan.Zero) break;
        }
        if (granted?.EndedBecause is { } ended)
        {
            // What was read may be what the caller can no longer read: none of it is answered.
            await JsonErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", ended);
            return;
        }
        await WriteAsync(context, answered, new PollCursor(_epoch, after, position.Text), new PollFlags(reset, resumed, gap));
        Operations.Metrics.ClientDelivery.Written(this, answered.Select(a => a.Value));
    }

    /// <summary>
    /// One page of a broker replay for a poll: up to <paramref name="limit"/> items, ending before the one that would
    /// take it past <paramref name="maxBytes"/>, and whether the replay reached its end.
    /// </summary>
    private async Task<ReplayPage> ReplayAsync(HttpContext context, RouteReplay replay, PositionTracker position, TopicPattern topic, int limit, long maxBytes, CancellationToken cancellationToken)
    {
        var logger = BrokerResume.Logger(context, typeof(PollEntrypoint).FullName!);
        var run = replay.Start(replay.From, BrokerResume.LogFailures(logger, Name));
        var items = new List<(Event Value, PollCursor Cursor)>();
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new object();
        var bytes = 0L;
        using var subscription = run.Events.Subscribe(
            value =>
            {
                lock (gate)
                {
                    if (done.Task.IsCompleted || value.Kind != EventKind.Data || !topic.Matches(value.Topic)) return;
                    var size = EventFootprint.Of(value);
                    if (items.Count > 0 && bytes + size > maxBytes)
                    {
                        // Not admitted: the cursor resumes before it.
                        done.TrySetResult(false);
                        return;
                    }
                    if (!position.Admit(value)) return;
                    // Epoch 0: this item's cursor resumes from the broker wherever it is used.
                    items.Add((value, new PollCursor(0, 0, position.Text)));
                    bytes += size;
                    if (items.Count >= limit) done.TrySetResult(false);
                }
            },
            error => done.TrySetException(error),
            () => done.TrySetResult(true));
        try
        {
            var complete = await done.Task.WaitAsync(cancellationToken);
            lock (gate)
            {
                if (complete) position.Cover(run.Covered);
                return new ReplayPage([.. items], complete, null);
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The server is stopping: what was read so far, the cursor resuming after it.
            lock (gate) return new ReplayPage([.. items], false, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Poll of {Entrypoint} could not resume from {Source}: {Reason}", Name, replay.Source.Name, ex.Message);
            return new ReplayPage([], false, ex.Message);
        }
    }

    private static Task BadRequest(HttpContext context, string error, string message) =>
        JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, error, message);

    /// <summary>Writes the answer item by item, flushing as it grows (<see cref="ResponseFlusher"/>).</summary>
    private static async Task WriteAsync(HttpContext context, IReadOnlyList<(Event Value, PollCursor Cursor)> items, PollCursor next, PollFlags flags)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var flusher = new ResponseFlusher(response.BodyWriter);
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var (value, cursor) in items)
        {
            var before = writer.BytesCommitted;
            writer.WriteStartObject();
            EventJson.WriteProperties(writer, value);
            writer.WriteString("cursor", cursor.ToString());
            writer.WriteEndObject();
            writer.Flush(); // hands the item to the response; the flusher sends it on
            await flusher.WroteAsync(writer.BytesCommitted - before, cancellationToken);
        }
        writer.WriteEndArray();
        writer.WriteString("nextCursor", next.ToString());
        if (flags.Reset) writer.WriteBoolean("reset", true);
        if (flags.Resumed is not null) writer.WriteString("resume", flags.Resumed);
        if (flags.Gap) writer.WriteBoolean("gap", true);
        writer.WriteEndObject();
        writer.Flush();
        await flusher.FlushAsync(cancellationToken);
    }

    /// <summary>What a poll answer says besides its items: <c>reset</c>, <c>resume</c>, <c>gap</c> (see the class summary).</summary>
    private readonly record struct PollFlags(bool Reset = false, string? Resumed = null, bool Gap = false);

    private sealed record ReplayPage(IReadOnlyList<(Event Value, PollCursor Cursor)> Items, bool Complete, string? Error);

    /// <summary>
    /// The client's broker position through one poll: starts from the cursor's, follows the items from a replayable
    /// source, drops those the client already had (after a replay) and gives the text each cursor carries. A position
    /// no source here can follow is carried on as it came.
    /// </summary>
    private sealed class PositionTracker(HttpContext context, RouteReplay? replay = null, string? carried = null)
    {
        private ReplaySeam? _seam = replay is null ? null : new ReplaySeam(replay.Source, replay.From);

        public string? Text => _seam is { Position.IsEmpty: false } seam ? seam.Source.FormatPosition(seam.Position) : carried;

        /// <summary>False when the client already had <paramref name="value"/>.</summary>
        public bool Admit(Event value)
        {
            if (_seam is null)
            {
                if (BrokerResume.SourceOf(context, value) is not { } source) return true;
                _seam = new ReplaySeam(source, ReplayPosition.Empty);
            }
            return _seam.TryAdmit(value, out _);
        }

        public void Cover(ReplayPosition covered) => _seam?.Cover(covered);
    }
}

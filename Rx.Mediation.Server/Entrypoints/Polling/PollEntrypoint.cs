using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Rx.Mediation.Buffers;
using Rx.Mediation.Events;
using Rx.Mediation.Server.Options;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Entrypoints.Polling;

/// <summary>
/// <c>GET {path}?topic=&amp;cursor=&amp;limit=&amp;timeout=</c>: reads a bounded per-topic log of what routes sent here.
/// Answers <c>{ "items": [ {id, topic, headers, payload, encoding, timestamp, cursor} ], "nextCursor": "…" }</c>.
/// <list type="bullet">
/// <item>No cursor: from the oldest event still buffered. A cursor from another server process: the same, with <c>"reset": true</c>.</item>
/// <item><c>timeout</c> in seconds (decimals allowed): how long to wait when nothing is there yet; default
/// <see cref="PollEntrypointOptions.DefaultTimeout"/> (25 s), capped at <see cref="PollEntrypointOptions.MaxTimeout"/>;
/// 0 answers at once. On timeout <c>items</c> is empty and <c>nextCursor</c> is the cursor to poll with next.</item>
/// <item><c>limit</c>: 1…MaxLimit items (default 100).</item>
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
        Log = new TopicLog(options.CapacityPerTopic, options.MaxTopics);
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
        if (!TopicPattern.TryParse(string.IsNullOrWhiteSpace(topicText) ? DefaultTopic : topicText.Trim(), out var topic, out var topicError))
        {
            await BadRequest(context, "bad-topic", topicError!);
            return;
        }

        var after = 0L;
        var reset = false;
        var cursorText = query["cursor"].ToString();
        if (!string.IsNullOrEmpty(cursorText))
        {
            if (!PollCursor.TryParse(cursorText, out var cursor))
            {
                await BadRequest(context, "bad-cursor", $"cursor '{cursorText}' is not one this server handed out: pass back a nextCursor, or omit it to start from the oldest buffered event");
                return;
            }
            if (cursor.Epoch == _epoch) after = cursor.Sequence;
            else reset = true;
        }

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

        using var session = Sessions.Open();
        IReadOnlyList<LoggedEvent> items;
        var lastSequence = Log.LastSequence;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Sessions.Closing))
        {
            try
            {
                items = timeout <= TimeSpan.Zero
                    ? Log.ReadAfter(topic!, after, limit)
                    : await Log.WaitAfterAsync(topic!, after, limit, timeout, stop.Token);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The server is stopping: answer now with what is there, so the client can come back elsewhere.
                items = Log.ReadAfter(topic!, after, limit);
            }
        }

        // Empty: nothing matching up to lastSequence (read before the log was) was there, so the client may skip ahead to it.
        var next = items.Count > 0 ? items[^1].Sequence : Math.Max(after, lastSequence);
        await WriteAsync(context, items, new PollCursor(_epoch, next), reset);
    }

    private static Task BadRequest(HttpContext context, string error, string message) =>
        JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, error, message);

    private async Task WriteAsync(HttpContext context, IReadOnlyList<LoggedEvent> items, PollCursor next, bool reset)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var item in items)
        {
            writer.WriteStartObject();
            EventJson.WriteProperties(writer, item.Event);
            writer.WriteString("cursor", new PollCursor(_epoch, item.Sequence).ToString());
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("nextCursor", next.ToString());
        if (reset) writer.WriteBoolean("reset", true);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Rx.Mediation.Nodes;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>Error answers of every entrypoint: a status code and <c>{ "error": code, "message": sentence, … }</c>.</summary>
public static class JsonErrors
{
    public static Task WriteAsync(HttpContext context, int status, string error, string message, object? details = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error, message, details), context.RequestAborted);
    }

    /// <summary>503 with Retry-After in whole seconds (at least 1: HTTP has no finer unit).</summary>
    public static Task WriteUnavailableAsync(HttpContext context, string reason, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "unavailable", reason,
            new { retryAfterMs = (long)retryAfter.TotalMilliseconds });
    }

    public static Task WriteStoppingAsync(HttpContext context, string entrypoint) =>
        WriteUnavailableAsync(context, $"entrypoint '{entrypoint}' is not taking new requests: the server is stopping", TimeSpan.FromSeconds(5));

    public static Task WriteRejectedAsync(HttpContext context, Admission admission) =>
        WriteUnavailableAsync(context, admission.Reason ?? "the routes refused the event", admission.RetryAfter);

    /// <summary>400 <c>bad-topic</c>, naming the rule of <see cref="TopicRules"/> the client's topic broke.</summary>
    public static Task WriteBadTopicAsync(HttpContext context, TopicRefusal refusal) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "bad-topic", refusal.Message, new { rule = refusal.RuleName });

    private sealed record ErrorBody(string Error, string Message, object? Details);
}

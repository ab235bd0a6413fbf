using Microsoft.AspNetCore.Http;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Server.Entrypoints;

/// <summary>What a connecting client asks for in its request: its id and its topic filters.</summary>
public static class ClientQuery
{
    public const string ClientIdHeader = "X-Client-Id";

    /// <summary>The client id from <c>X-Client-Id</c> or <c>?clientId=</c>, else a new one.</summary>
    public static string ClientId(HttpRequest request) =>
        FirstNonEmpty(request.Headers[ClientIdHeader].ToString(), request.Query["clientId"].ToString()) ?? "c-" + EventIds.Next();

    /// <summary>The client id when the client gave one, else null.</summary>
    public static string? GivenClientId(HttpRequest request) =>
        FirstNonEmpty(request.Headers[ClientIdHeader].ToString(), request.Query["clientId"].ToString());

    /// <summary>The filters of every <c>?topic=</c> (MQTT wildcards allowed), or the default; false with a message for a bad one.</summary>
    public static bool TryTopics(HttpRequest request, string defaultTopic, out IReadOnlyList<TopicPattern> topics, out string? error)
    {
        var given = request.Query["topic"].Where(t => t is not null).Select(t => t!.Trim()).ToList();
        if (given.Count == 0) given.Add(defaultTopic);
        var parsed = new List<TopicPattern>(given.Count);
        foreach (var text in given)
        {
            if (!TopicPattern.TryParse(text, out var pattern, out error))
            {
                topics = [];
                return false;
            }
            if (!parsed.Contains(pattern!)) parsed.Add(pattern!);
        }
        topics = parsed;
        error = null;
        return true;
    }

    /// <summary>A topic to publish on: not empty, no wildcard.</summary>
    public static bool IsPublishable(string topic, out string? error)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            error = "the topic must not be empty";
            return false;
        }
        if (topic.Contains('+') || topic.Contains('#'))
        {
            error = $"'{topic}' contains a wildcard ('+' or '#'): events are published on one concrete topic";
            return false;
        }
        error = null;
        return true;
    }

    public static bool QueryFlag(HttpRequest request, string name, bool fallback)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text)) return request.Query.ContainsKey(name) || fallback;
        return text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1" || text.Equals("yes", StringComparison.OrdinalIgnoreCase);
    }

    private static string? FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

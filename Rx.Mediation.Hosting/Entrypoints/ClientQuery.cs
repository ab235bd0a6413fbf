using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Rx.Mediation.Events;
using Rx.Mediation.Topics;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>What a connecting client asks for in its request: its id and its topic filters.</summary>
public static class ClientQuery
{
    public const string ClientIdHeader = "X-Client-Id";

    /// <summary>The longest client id taken.</summary>
    public const int MaxClientIdLength = 128;

    /// <summary>
    /// The client id from <c>X-Client-Id</c> or <c>?clientId=</c>, null when none is given; false with why when the
    /// given one is unusable. An id is echoed in response headers and carried as a broker header, so it is printable
    /// ASCII of at most <see cref="MaxClientIdLength"/> characters.
    /// </summary>
    public static bool TryGivenClientId(HttpRequest request, out string? clientId, [NotNullWhen(false)] out string? error)
    {
        clientId = FirstNonEmpty(request.Headers[ClientIdHeader].ToString(), request.Query["clientId"].ToString());
        error = clientId switch
        {
            null => null,
            { Length: > MaxClientIdLength } => $"the client id is longer than {MaxClientIdLength} characters",
            _ when clientId.Any(c => c is < ' ' or > '~') => "the client id must be printable ASCII (no control or non-ASCII characters)",
            _ => null,
        };
        return error is null;
    }

    /// <summary>
    /// An id for a client that gave none: 128 random bits, so it can neither be guessed nor counted to (an id addresses
    /// events straight to its client through <c>X-Client-Id</c>, and claiming a connected client's id is refused).
    /// </summary>
    public static string NewClientId() => "c-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The filters of every <c>?topic=</c> (MQTT wildcards allowed), or the default; false with the rule a bad one broke.</summary>
    public static bool TryTopics(HttpRequest request, string defaultTopic, TopicRules rules, out IReadOnlyList<TopicPattern> topics, [NotNullWhen(false)] out TopicRefusal? refusal)
    {
        var given = request.Query["topic"].Where(t => t is not null).Select(t => t!.Trim()).ToList();
        if (given.Count == 0) given.Add(defaultTopic);
        var parsed = new List<TopicPattern>(given.Count);
        foreach (var text in given)
        {
            if (!rules.TryParseFilter(text, out var pattern, out refusal))
            {
                topics = [];
                return false;
            }
            if (!parsed.Contains(pattern)) parsed.Add(pattern);
        }
        topics = parsed;
        refusal = null;
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

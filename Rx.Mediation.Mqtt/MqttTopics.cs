using Rx.Mediation.Topics;

namespace Rx.Mediation.Mqtt;

/// <summary>MQTT topic rules the endpoint checks before talking to the broker.</summary>
public static class MqttTopics
{
    private const string SharePrefix = "$share/";

    /// <summary>
    /// The filter a shared subscription <c>$share/{group}/{filter}</c> matches topics with (the group is not part of
    /// message topics); other filters are returned as they are.
    /// </summary>
    public static string MatchingFilter(string subscription)
    {
        if (!subscription.StartsWith(SharePrefix, StringComparison.Ordinal)) return subscription;
        var slash = subscription.IndexOf('/', SharePrefix.Length);
        return slash < 0 ? "" : subscription[(slash + 1)..];
    }

    /// <summary>Null when the subscription is valid, else why not.</summary>
    public static string? CheckSubscription(string subscription)
    {
        if (subscription.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            var slash = subscription.IndexOf('/', SharePrefix.Length);
            var group = slash < 0 ? "" : subscription[SharePrefix.Length..slash];
            if (group.Length == 0 || group.Contains('+') || group.Contains('#'))
                return $"'{subscription}' is not '$share/{{group}}/{{filter}}' with a group name free of wildcards";
        }
        var filter = MatchingFilter(subscription);
        if (filter.Length == 0) return $"'{subscription}' has an empty topic filter";
        return TopicPattern.TryParse(filter, out _, out var error) ? null : $"'{subscription}': {error}";
    }

    /// <summary>Null when <paramref name="topic"/> can be published to, else why not.</summary>
    public static string? CheckPublishTopic(string topic)
    {
        if (string.IsNullOrEmpty(topic)) return "an MQTT topic must not be empty";
        if (topic.Contains('+') || topic.Contains('#')) return $"topic '{topic}' contains a wildcard (+ or #), which MQTT does not allow in a published topic";
        if (topic.Contains('\0')) return $"topic '{topic}' contains a NUL character";
        return null;
    }
}

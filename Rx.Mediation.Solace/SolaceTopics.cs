namespace Rx.Mediation.Solace;

/// <summary>
/// Solace topic syntax over MQTT: levels separated by <c>/</c>, <c>*</c> for exactly one level, <c>&gt;</c> for one
/// or more trailing levels, <c>#share/{group}/</c> for shared subscriptions. PubSub+'s MQTT service maps them to
/// MQTT's <c>+</c>, <c>#</c> and <c>$share/{group}/</c>, which is what the endpoint sends.
/// </summary>
public static class SolaceTopics
{
    private const string SolaceShare = "#share/";
    private const string MqttShare = "$share/";

    /// <summary>The MQTT filter for a Solace subscription; throws <see cref="FormatException"/> for what MQTT cannot express.</summary>
    public static string ToMqttFilter(string subscription)
    {
        var prefix = "";
        var rest = subscription;
        if (rest.StartsWith(SolaceShare, StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', SolaceShare.Length);
            if (slash < 0 || slash == SolaceShare.Length) throw new FormatException($"'{subscription}' is not '#share/{{group}}/{{topic}}'");
            prefix = MqttShare + rest[SolaceShare.Length..(slash + 1)];
            rest = rest[(slash + 1)..];
        }
        if (rest.Length == 0) throw new FormatException($"'{subscription}' has no topic");
        if (rest.StartsWith('#')) throw new FormatException($"'{subscription}': Solace special prefixes such as '#noexport/' are not supported over MQTT");
        var levels = rest.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('+') || level.Contains('#'))
                throw new FormatException($"'{subscription}': '+' and '#' are MQTT wildcards; in Solace syntax use '*' (one level) and '>' (trailing levels)");
            if (level == "*")
            {
                levels[i] = "+";
            }
            else if (level == ">")
            {
                if (i != levels.Length - 1) throw new FormatException($"'{subscription}': '>' must be the last level");
                levels[i] = "#";
            }
            else if (level.EndsWith('*'))
            {
                throw new FormatException($"'{subscription}': prefix wildcards such as '{level}' have no MQTT equivalent");
            }
            else if (level.Contains('>') || level.Contains('*'))
            {
                throw new FormatException($"'{subscription}': '{level}' mixes a wildcard with text");
            }
        }
        return prefix + string.Join('/', levels);
    }

    /// <summary>Null when the topic can be published to, else why not: published topics carry no wildcards.</summary>
    public static string? CheckPublishTopic(string topic)
    {
        foreach (var level in topic.Split('/'))
        {
            if (level is "*" or ">" || level.EndsWith('*'))
                return $"topic '{topic}' contains the Solace wildcard level '{level}', which a published topic must not";
        }
        return topic.Length > 250 ? $"topic '{topic[..20]}…' is longer than Solace's 250 bytes" : null;
    }
}

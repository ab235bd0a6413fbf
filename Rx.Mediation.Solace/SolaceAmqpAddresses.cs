using Rx.Mediation.Amqp;

namespace Rx.Mediation.Solace;

/// <summary>Which broker's AMQP 1.0 address syntax the Solace conventions are written in (setting <c>AddressStyle</c>).</summary>
public enum SolaceAddressStyle
{
    /// <summary>Solace PubSub+: <c>queue://NAME</c>, <c>topic://a/b/c</c> (Solace topic syntax unchanged).</summary>
    Solace,

    /// <summary>
    /// RabbitMQ 3.x's <c>rabbitmq_amqp1_0</c> plugin (the broker the specs run against): <c>/amq/queue/NAME</c>,
    /// <c>/topic/a.b.c</c> (the <c>amq.topic</c> exchange; levels become <c>.</c>-separated words, <c>*</c> stays,
    /// <c>&gt;</c> becomes <c>#</c>).
    /// </summary>
    RabbitMq,
}

/// <summary>
/// Solace conventions (queue names, <c>/</c>-separated topics, <c>*</c>/<c>&gt;</c> wildcards) → AMQP 1.0 addresses,
/// and back. Every function throws <see cref="FormatException"/> with the reason for what the style cannot express.
/// </summary>
public static class SolaceAmqpAddresses
{
    public const string QueuePrefix = "queue://";
    public const string TopicPrefix = "topic://";
    private const string RabbitQueue = "/amq/queue/";
    private const string RabbitTopic = "/topic/";

    /// <summary>The address of queue <paramref name="name"/> (to consume from or send to).</summary>
    public static string Queue(string name, SolaceAddressStyle style)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException("a queue name must not be empty");
        if (name.Trim() != name || name.Any(char.IsWhiteSpace)) throw new FormatException($"queue name '{name}' contains white space");
        if (name.IndexOfAny(['*', '>', '?', '\'', '<', '&', ';']) >= 0) throw new FormatException($"queue name '{name}' contains a wildcard or reserved character (* > ? ' < & ;)");
        if (name.Length > 200) throw new FormatException($"queue name '{name[..20]}…' is longer than Solace's 200 characters");
        return style switch
        {
            SolaceAddressStyle.Solace => QueuePrefix + name,
            _ when name.Contains('/') => throw new FormatException($"queue name '{name}' contains '/', which RabbitMQ's /amq/queue/NAME address cannot carry"),
            _ => RabbitQueue + name,
        };
    }

    /// <summary>The address a message is published to for Solace topic <paramref name="topic"/> (no wildcards).</summary>
    public static string Topic(string topic, SolaceAddressStyle style)
    {
        if (string.IsNullOrEmpty(topic)) throw new FormatException("a topic must not be empty");
        if (SolaceTopics.CheckPublishTopic(topic) is { } problem) throw new FormatException(problem);
        var levels = topic.Split('/');
        if (style == SolaceAddressStyle.Solace) return TopicPrefix + topic;
        foreach (var level in levels)
        {
            if (level.Length == 0) throw new FormatException($"topic '{topic}' has an empty level, which RabbitMQ's routing keys cannot carry");
            if (level.Contains('.') || level.Contains('#')) throw new FormatException($"topic '{topic}': level '{level}' contains '.' or '#', which RabbitMQ's routing keys use as separator and wildcard");
        }
        return RabbitTopic + string.Join('.', levels);
    }

    /// <summary>The address to consume for Solace topic subscription <paramref name="subscription"/> (wildcards allowed).</summary>
    public static string Subscription(string subscription, SolaceAddressStyle style)
    {
        if (string.IsNullOrEmpty(subscription)) throw new FormatException("a subscription must not be empty");
        if (subscription.StartsWith('#'))
            throw new FormatException($"'{subscription}': shared subscriptions and '#' prefixes are not supported over AMQP; bind a queue (Queues) instead");
        var levels = subscription.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('+') || level.Contains('#'))
                throw new FormatException($"'{subscription}': '+' and '#' are MQTT wildcards; in Solace syntax use '*' (one level) and '>' (trailing levels)");
            if (level == ">" && i != levels.Length - 1) throw new FormatException($"'{subscription}': '>' must be the last level");
            if (level != ">" && level.Contains('>')) throw new FormatException($"'{subscription}': '{level}' mixes '>' with text");
            if (level != "*" && level.Contains('*') && (style == SolaceAddressStyle.RabbitMq || !level.EndsWith('*') || level.IndexOf('*') != level.Length - 1))
                throw new FormatException(style == SolaceAddressStyle.RabbitMq
                    ? $"'{subscription}': prefix wildcards such as '{level}' have no RabbitMQ equivalent"
                    : $"'{subscription}': '{level}' is not a Solace wildcard ('*' may only end a level)");
            if (style == SolaceAddressStyle.RabbitMq)
            {
                if (level.Length == 0) throw new FormatException($"'{subscription}' has an empty level, which RabbitMQ's routing keys cannot carry");
                if (level.Contains('.')) throw new FormatException($"'{subscription}': level '{level}' contains '.', RabbitMQ's routing-key separator");
                if (level == ">") levels[i] = "#";
            }
        }
        return style == SolaceAddressStyle.Solace ? TopicPrefix + subscription : RabbitTopic + string.Join('.', levels);
    }

    /// <summary>
    /// The event topic for an address a message came from or was sent to: a queue address gives the queue name, a
    /// topic address the Solace topic (RabbitMQ's <c>.</c>-separated words back as <c>/</c> levels); anything else
    /// is the address without leading slashes.
    /// </summary>
    public static string TopicOf(string address)
    {
        if (address.StartsWith(QueuePrefix, StringComparison.Ordinal)) return address[QueuePrefix.Length..];
        if (address.StartsWith(TopicPrefix, StringComparison.Ordinal)) return address[TopicPrefix.Length..];
        if (address.StartsWith(RabbitQueue, StringComparison.Ordinal)) return address[RabbitQueue.Length..];
        if (address.StartsWith("/queue/", StringComparison.Ordinal)) return address["/queue/".Length..];
        if (address.StartsWith(RabbitTopic, StringComparison.Ordinal)) return address[RabbitTopic.Length..].Replace('.', '/');
        return address.TrimStart('/');
    }
}

/// <summary>
/// The <c>Destination</c> setting of a Solace endpoint on the AMQP 1.0 transport, in Solace convention:
/// <c>{topic}</c> (default: the event's topic is the Solace topic), <c>topic://a/{topic}</c>, <c>queue://orders</c>
/// or <c>queue://{topic}</c>; resolved per event and written in the broker's <see cref="SolaceAddressStyle"/>.
/// </summary>
public sealed class SolaceAmqpAddressing : IAmqpAddressing
{
    public SolaceAmqpAddressing(string destination, SolaceAddressStyle style)
    {
        Style = style;
        Destination = string.IsNullOrWhiteSpace(destination) ? AmqpAddressTemplate.Placeholder : destination.Trim();
        IsQueue = Destination.StartsWith(SolaceAmqpAddresses.QueuePrefix, StringComparison.Ordinal);
        Template = IsQueue ? Destination[SolaceAmqpAddresses.QueuePrefix.Length..]
            : Destination.StartsWith(SolaceAmqpAddresses.TopicPrefix, StringComparison.Ordinal) ? Destination[SolaceAmqpAddresses.TopicPrefix.Length..]
            : Destination;
        if (Template.Length == 0) throw new FormatException($"'{Destination}' names no queue or topic");
        if (Template.Split(AmqpAddressTemplate.Placeholder).Length > 2) throw new FormatException($"'{Destination}' may hold {AmqpAddressTemplate.Placeholder} once");
        // A fixed destination is checked now, so a bad one is a configuration error rather than failed events.
        if (!Template.Contains(AmqpAddressTemplate.Placeholder, StringComparison.Ordinal)) Translate(Template);
    }

    public string Destination { get; }

    public SolaceAddressStyle Style { get; }

    public bool IsQueue { get; }

    /// <summary>The queue name or topic with <c>{topic}</c> in it (without <c>queue://</c>/<c>topic://</c>).</summary>
    public string Template { get; }

    public string? Resolve(string topic, out string? problem)
    {
        problem = null;
        var name = Template.Contains(AmqpAddressTemplate.Placeholder, StringComparison.Ordinal)
            ? string.IsNullOrEmpty(topic) ? null : Template.Replace(AmqpAddressTemplate.Placeholder, topic, StringComparison.Ordinal)
            : Template;
        if (name is null)
        {
            problem = $"it has no topic for destination {Destination}";
            return null;
        }
        try
        {
            return Translate(name);
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    public string TopicOf(string address) => SolaceAmqpAddresses.TopicOf(address);

    private string Translate(string name) => IsQueue ? SolaceAmqpAddresses.Queue(name, Style) : SolaceAmqpAddresses.Topic(name, Style);
}

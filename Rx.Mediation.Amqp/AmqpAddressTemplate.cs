namespace Rx.Mediation.Amqp;

/// <summary>
/// The <c>Address</c> setting: a fixed address (<c>/queue/orders</c>) or one with <c>{topic}</c> replaced by the event's
/// topic (<c>/topic/{topic}</c>, <c>/exchange/amq.topic/{topic}</c>). Read backwards it turns a received address into
/// a topic, so a route can send to <c>/queue/{topic}</c> and a consumer of <c>/queue/orders</c> sees topic <c>orders</c>.
/// </summary>
public sealed class AmqpAddressTemplate : IAmqpAddressing
{
    public const string Placeholder = "{topic}";

    private readonly string _prefix;
    private readonly string _suffix;

    public AmqpAddressTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        Template = template;
        var index = template.IndexOf(Placeholder, StringComparison.Ordinal);
        HasTopic = index >= 0;
        _prefix = HasTopic ? template[..index] : template;
        _suffix = HasTopic ? template[(index + Placeholder.Length)..] : "";
    }

    public string Template { get; }

    public bool HasTopic { get; }

    /// <summary>Null when the template has a placeholder but there is no topic to put in it.</summary>
    public string? Resolve(string topic) =>
        !HasTopic ? Template : string.IsNullOrEmpty(topic) ? null : _prefix + topic + _suffix;

    string? IAmqpAddressing.Resolve(string topic, out string? problem)
    {
        var address = Resolve(topic);
        problem = address is null ? $"it has no topic for address template {Template}" : null;
        return address;
    }

    /// <summary>
    /// The topic an address stands for: the <c>{topic}</c> part when it matches the template, else the address; either
    /// without leading slashes (so <c>/queue/in</c> becomes <c>queue/in</c>, which topic filters match level by level).
    /// </summary>
    public string TopicOf(string address)
    {
        var topic = address;
        if (HasTopic && address.Length > _prefix.Length + _suffix.Length
            && address.StartsWith(_prefix, StringComparison.Ordinal) && address.EndsWith(_suffix, StringComparison.Ordinal))
            topic = address[_prefix.Length..^_suffix.Length];
        return topic.TrimStart('/');
    }
}

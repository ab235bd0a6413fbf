namespace Rx.Mediation.Testing.Brokers;

/// <summary>What a spec sets on the messages it sends; each message's <see cref="Id"/> gets <c>-n</c> appended.</summary>
public sealed record Amqp10Fields
{
    public string? Id { get; init; }

    public string? CorrelationId { get; init; }

    public string? Subject { get; init; }

    public string? ContentType { get; init; }

    public string? ReplyTo { get; init; }

    public bool Durable { get; init; } = true;

    public byte? Priority { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public Amqp10Body Body { get; init; } = Amqp10Body.Data;
}

/// <summary>How a sent message carries its text: a data section (JMS BytesMessage), an amqp-value string, or an amqp-value map.</summary>
public enum Amqp10Body
{
    Data,
    String,
    Map,
}

namespace Rx.Mediation.Amqp;

/// <summary>
/// The parts of an AMQP 1.0 message the endpoint maps, independent of the client library: the properties section, the durable and
/// priority header fields, the application properties (as strings) and the body as bytes.
/// </summary>
public sealed record AmqpMessage
{
    public const byte DefaultPriority = 4;

    public string? MessageId { get; init; }

    public string? CorrelationId { get; init; }

    public string? Subject { get; init; }

    public string? ContentType { get; init; }

    public string? ReplyTo { get; init; }

    /// <summary>The <c>to</c> field: the address the message was sent to, when the sender set it.</summary>
    public string? Address { get; init; }

    public bool Durable { get; init; }

    public byte Priority { get; init; } = DefaultPriority;

    /// <summary>creation-time in milliseconds since the Unix epoch; 0 when absent.</summary>
    public long CreationTime { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; init; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }
}

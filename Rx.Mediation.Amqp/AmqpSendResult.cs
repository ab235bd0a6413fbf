namespace Rx.Mediation.Amqp;

/// <summary>How one send ended, with the reason when it was not accepted.</summary>
internal sealed record AmqpSendResult(AmqpSendStatus Status, string? Reason = null)
{
    public static readonly AmqpSendResult Accepted = new(AmqpSendStatus.Accepted);

    public static readonly AmqpSendResult Lost = new(AmqpSendStatus.ConnectionLost, "the connection was lost");
}

internal enum AmqpSendStatus
{
    /// <summary>The broker settled it ACCEPTED.</summary>
    Accepted,

    /// <summary>The broker answered REJECTED, RELEASED or MODIFIED.</summary>
    Refused,

    /// <summary>The broker closed the link (or its session), e.g. for an address that does not exist.</summary>
    LinkClosed,

    /// <summary>The connection went away before an answer: whether the broker has it is unknown.</summary>
    ConnectionLost,
}

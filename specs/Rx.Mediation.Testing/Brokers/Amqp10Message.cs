namespace Rx.Mediation.Testing.Brokers;

/// <summary>A message as <see cref="Amqp10Client"/> received it, its body as UTF-8 text.</summary>
public sealed record Amqp10Message(
    string? Id, string? CorrelationId, string? Subject, string? ContentType, string? ReplyTo, bool Durable, byte Priority,
    IReadOnlyDictionary<string, string> Properties, string? Body);

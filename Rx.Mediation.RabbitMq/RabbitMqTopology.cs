using RabbitMQ.Client;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// With <c>Declare=true</c>: the exchange (durable, <c>ExchangeType</c>), every queue in <c>Queues</c> (durable,
/// dead-lettering to <c>DeadLetterExchange</c> when set) bound to the exchange with <c>BindingKeys</c>, and the
/// dead-letter exchange (fanout) with a durable queue of the same name so dead letters are kept, not discarded.
/// Declarations are idempotent, so this runs again after every (re)connect made by the endpoint itself.
/// </summary>
public static class RabbitMqTopology
{
    public static async Task DeclareAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
    {
        if (!options.Declare) return;
        if (options.DeadLetterExchange is { } dlx)
        {
            await channel.ExchangeDeclareAsync(dlx, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(dlx, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(dlx, dlx, "", cancellationToken: cancellationToken);
        }
        var exchange = options.Exchange;
        // amq.* exchanges are built in and may not be redeclared.
        if (exchange.Length > 0 && !exchange.StartsWith("amq.", StringComparison.Ordinal))
        {
            await channel.ExchangeDeclareAsync(exchange, options.ExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        }
        foreach (var queue in options.Queues)
        {
            var arguments = options.DeadLetterExchange is { } deadLetters
                ? new Dictionary<string, object?> { ["x-dead-letter-exchange"] = deadLetters }
                : null;
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken);
            if (exchange.Length == 0) continue;
            foreach (var key in options.BindingKeys)
            {
                await channel.QueueBindAsync(queue, exchange, key, cancellationToken: cancellationToken);
            }
        }
    }
}

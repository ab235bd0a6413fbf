using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.RabbitMq;

/// <summary>
/// The inbound side for the queues in <c>Queues</c>: manual acknowledgement, sent only once the routes took the
/// message (Accepted) or no route wants it (NoRoute, counted as unrouted). A refusal (routes full, server stopping)
/// leaves the message with the broker: it is nacked with requeue after the admission's RetryAfter, so it comes back;
/// with <c>MaxRedeliveries</c> &gt; 0 a message refused that many times is nacked without requeue (dead-lettered when
/// the queue has a dead-letter exchange). A delivery cut short by a lost connection is redelivered by the broker.
/// </summary>
internal sealed class RabbitMqConsumer(
    string name,
    RabbitMqOptions options,
    EndpointCounters counters,
    ILogger logger,
    Func<Event, CancellationToken, ValueTask<Admission>> receive)
{
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan MinRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);

    public async Task StartAsync(IChannel channel, CancellationToken stop)
    {
        await channel.BasicQosAsync(0, options.Prefetch, global: false, stop);
        foreach (var queue in options.Queues)
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, queue, delivery, stop);
            await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: $"{name}-{queue}-{Guid.NewGuid():N}", noLocal: false,
                exclusive: false, arguments: null, consumer: consumer, cancellationToken: stop);
        }
    }

    private async Task HandleAsync(IChannel channel, string queue, BasicDeliverEventArgs delivery, CancellationToken stop)
    {
        counters.CountReceived();
        try
        {
            var value = RabbitMqMapping.ToEvent(name, queue, delivery.Exchange, delivery.RoutingKey, delivery.Redelivered, delivery.BasicProperties, delivery.Body);
            var admission = await receive(value, stop);
            switch (admission.Status)
            {
                case AdmissionStatus.Accepted:
                    counters.CountAccepted();
                    Forget(queue, delivery);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stop);
                    break;
                case AdmissionStatus.NoRoute:
                    counters.CountUnrouted();
                    Forget(queue, delivery);
                    logger.LogDebug("RabbitMQ endpoint '{Endpoint}': no route takes message {Id} (topic '{Topic}') from queue '{Queue}'; acknowledged", name, value.Id, value.Topic, queue);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stop);
                    break;
                default:
                    await RefuseAsync(channel, queue, delivery, value, admission, stop);
                    break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: not acknowledged, so the broker delivers it again to the next consumer.
        }
        catch (Exception ex)
        {
            // Not acknowledged: a closed channel returns the message to the queue.
            logger.LogWarning("RabbitMQ endpoint '{Endpoint}': delivery {Tag} from queue '{Queue}' left unacknowledged: {Error}", name, delivery.DeliveryTag, queue, RabbitMqErrors.Describe(ex));
        }
    }

    private async Task RefuseAsync(IChannel channel, string queue, BasicDeliverEventArgs delivery, Event value, Admission admission, CancellationToken stop)
    {
        var key = RefusalKey(queue, delivery);
        var refusals = _refusals.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (_refusals.Count > MaxTracked) _refusals.Clear(); // bounded memory; a limit is best effort for ids never seen again
        if (options.MaxRedeliveries > 0 && refusals > options.MaxRedeliveries)
        {
            _refusals.TryRemove(key, out _);
            counters.CountFailed();
            logger.LogWarning("RabbitMQ endpoint '{Endpoint}': message {Id} from queue '{Queue}' refused {Count} times ({Reason}); rejected without requeue{DeadLetter}",
                name, value.Id, queue, refusals, admission.Reason, options.DeadLetterExchange is null ? "" : $" (dead-lettered to '{options.DeadLetterExchange}' if the queue has it)");
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: false, stop);
            return;
        }
        var wait = admission.RetryAfter < MinRetry ? MinRetry : admission.RetryAfter > MaxRetry ? MaxRetry : admission.RetryAfter;
        await Task.Delay(wait, stop);
        counters.CountRedelivered();
        await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, stop);
    }

    private void Forget(string queue, BasicDeliverEventArgs delivery)
    {
        if (!_refusals.IsEmpty) _refusals.TryRemove(RefusalKey(queue, delivery), out _);
    }

    /// <summary>
    /// Classic queues keep no delivery count, so refusals are counted here per message: by message id, or for a
    /// message without one by its queue, routing key and a hash of its body.
    /// </summary>
    private static string RefusalKey(string queue, BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.MessageId is { Length: > 0 } id
            ? $"{queue}\n{id}"
            : $"{queue}\n{delivery.RoutingKey}\n{Convert.ToHexString(SHA256.HashData(delivery.Body.Span))}";
}

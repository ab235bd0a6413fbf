using System.Diagnostics;
using RabbitMQ.Client;
using Rx.Mediation.Events;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// RabbitMQ.Client 7.1.2 publishing from a plain loop the way the RabbitMQ endpoint does: a channel with publisher
/// confirms and confirmation tracking (so each <c>BasicPublishAsync</c> completes with the broker's confirm), at most
/// <c>MaxInFlight</c> (256, the endpoint's default) unconfirmed at once, persistent messages to the default exchange
/// with the queue name as routing key, message id, timestamp and content type set.
/// </summary>
internal sealed class DirectRabbitMq : IAsyncDisposable
{
    public const int MaxInFlight = 256;

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private DirectRabbitMq(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<DirectRabbitMq> ConnectAsync(string uri)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "rx-mediation-bench-direct" };
        var connection = await factory.CreateConnectionAsync();
        // The endpoint's publishing channel options (RabbitMqEndpoint.PublishChannelOptions).
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new DirectRabbitMq(connection, channel);
    }

    /// <summary>Declares durable queues (and empties them) on a separate channel.</summary>
    public async Task DeclareQueuesAsync(params string[] queues)
    {
        await using var channel = await _connection.CreateChannelAsync();
        foreach (var queue in queues)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueuePurgeAsync(queue);
        }
    }

    public async Task PurgeAsync(params string[] queues)
    {
        await using var channel = await _connection.CreateChannelAsync();
        foreach (var queue in queues) await channel.QueuePurgeAsync(queue);
    }

    public async Task<Throughput> PublishAsync(string queue, int count, byte[] payload)
    {
        using var window = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long confirmed = 0, failed = 0;

        async Task PublishOne()
        {
            var properties = new BasicProperties
            {
                MessageId = EventIds.Next(),
                Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
                DeliveryMode = DeliveryModes.Persistent,
                ContentType = "text/plain; charset=utf-8",
            };
            try
            {
                await _channel.BasicPublishAsync("", queue, false, properties, payload);
                Interlocked.Increment(ref confirmed);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                window.Release();
                if (Interlocked.Read(ref confirmed) + Interlocked.Read(ref failed) == count) done.TrySetResult();
            }
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync();
            _ = PublishOne();
        }
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        watch.Stop();
        return new Throughput("direct", Interlocked.Read(ref confirmed), watch.Elapsed, Interlocked.Read(ref failed));
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Kafka;

namespace Rx.Mediation.BrokerBench;

/// <summary>
/// Confluent.Kafka publishing from a plain loop with the Kafka endpoint's own producer properties (acks=all,
/// idempotence, linger.ms=5, taken from <see cref="KafkaEndpointOptions.From"/> with default settings) and the same
/// in-flight window (<c>MaxInFlight</c> = 10,000 delivery reports outstanding). Each message has the key and
/// content-type header an engine event would carry.
/// </summary>
internal sealed class DirectKafka : IDisposable
{
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly int _maxInFlight;

    /// <param name="settings">Extra endpoint settings (<c>Key=Value</c>), bound as the server binds an endpoint's section.</param>
    public DirectKafka(string bootstrap, IEnumerable<string> settings)
    {
        var bound = new KafkaSettings { BootstrapServers = bootstrap };
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p[1])))
            .Build()
            .Bind(bound);
        var options = KafkaEndpointOptions.From("direct", "Bench:Kafka", bound);
        _maxInFlight = options.MaxInFlight;
        _producer = new ProducerBuilder<byte[]?, byte[]>(options.ProducerProperties).Build();
    }

    public Throughput Publish(string topic, int count, byte[] payload)
    {
        using var window = new SemaphoreSlim(_maxInFlight, _maxInFlight);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long acknowledged = 0, failed = 0;
        var contentType = Encoding.UTF8.GetBytes("text/plain; charset=utf-8");
        void OnDelivered(DeliveryReport<byte[]?, byte[]> report)
        {
            if (report.Error.IsError) Interlocked.Increment(ref failed);
            else Interlocked.Increment(ref acknowledged);
            window.Release();
            if (Interlocked.Read(ref acknowledged) + Interlocked.Read(ref failed) == count) done.TrySetResult();
        }
        Action<DeliveryReport<byte[]?, byte[]>> handler = OnDelivered;

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            window.Wait();
            var message = new Message<byte[]?, byte[]>
            {
                Key = Encoding.UTF8.GetBytes(Rx.Mediation.Events.EventIds.Next()),
                Value = payload,
                Headers = new Headers { { "content-type", contentType } },
                Timestamp = new Timestamp(DateTimeOffset.UtcNow),
            };
            while (true)
            {
                try
                {
                    _producer.Produce(topic, message, handler);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Thread.Sleep(1);
                }
            }
        }
        if (!done.Task.Wait(TimeSpan.FromMinutes(2))) throw new TimeoutException($"Kafka acknowledged {acknowledged} of {count} within 2 minutes");
        watch.Stop();
        return new Throughput("direct", Interlocked.Read(ref acknowledged), watch.Elapsed, Interlocked.Read(ref failed));
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}

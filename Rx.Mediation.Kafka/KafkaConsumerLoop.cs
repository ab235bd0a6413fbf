using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Endpoints;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Kafka;

/// <summary>
/// The receiving half, on its own thread because <c>Consume</c> blocks. At-least-once: librdkafka neither commits nor
/// stores offsets by itself; an offset is committed only past messages the routes accepted (or that no route takes).
/// A refused message is not skipped: the partition is sought back to it and offered again after the routes' RetryAfter.
/// Offsets are committed every <see cref="KafkaEndpointOptions.CommitInterval"/>, when partitions are revoked, and on stop.
/// <para>Each event carries its resume id: its own position and how far every other assigned partition was handed to
/// the routes (<see cref="KafkaFrontier"/>), seeded when partitions are assigned, so a web client can resume from it.</para>
/// </summary>
internal sealed class KafkaConsumerLoop
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SeedTimeout = TimeSpan.FromSeconds(5);

    private readonly KafkaEndpointOptions _options;
    private readonly IConsumer<byte[]?, byte[]> _consumer;
    private readonly Func<Event, CancellationToken, ValueTask<Admission>> _offer;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly Dictionary<TopicPartition, long> _uncommitted = [];
    private readonly KafkaFrontier _frontier = new();
    private readonly KafkaLiveStart _liveStart;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private DateTime _lastCommit = DateTime.UtcNow;

    public KafkaConsumerLoop(
        KafkaEndpointOptions options, ConsumerBuilder<byte[]?, byte[]> builder, Func<Event, CancellationToken, ValueTask<Admission>> offer,
        EndpointCounters counters, KafkaLiveStart liveStart, ILogger logger)
    {
        _options = options;
        _liveStart = liveStart;
        _offer = offer;
        _counters = counters;
        _logger = logger;
        _consumer = builder
            .SetPartitionsAssignedHandler((consumer, partitions) =>
            {
                _logger.LogInformation("Kafka endpoint '{Endpoint}' assigned {Partitions}", _options.Name, string.Join(", ", partitions));
                return Start(consumer, partitions);
            })
            .SetPartitionsRevokedHandler((_, partitions) => CommitRevoked(partitions))
            .Build();
        _thread = new Thread(Run) { IsBackground = true, Name = $"kafka-consume-{options.Name}" };
    }

    public void Start()
    {
        _consumer.Subscribe(_options.ConsumeTopics);
        _thread.Start();
    }

    private void Run()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var result = _consumer.Consume(PollTimeout);
                if (result is not null && !result.IsPartitionEOF && result.Message is not null) Offer(result, token);
                if (DateTime.UtcNow - _lastCommit >= _options.CommitInterval) Commit();
            }
            catch (ConsumeException ex)
            {
                _logger.LogWarning("Kafka endpoint '{Endpoint}' consume error: {Reason} ({Code})", _options.Name, ex.Error.Reason, ex.Error.Code);
                token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
            catch (KafkaException ex)
            {
                _logger.LogWarning("Kafka endpoint '{Endpoint}' consumer: {Reason} ({Code})", _options.Name, ex.Error.Reason, ex.Error.Code);
                token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
        }
    }

    private void Offer(ConsumeResult<byte[]?, byte[]> result, CancellationToken token)
    {
        _counters.CountReceived();
        var topic = result.Topic;
        var partition = result.Partition.Value;
        var value = KafkaMessages.ToEvent(_options.Name, result, _options.KeyHeader, _frontier.Stamp(topic, partition, result.Offset.Value));
        while (true)
        {
            Admission admission;
            try
            {
                admission = _offer(value, token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Stopping: the message stays uncommitted and is delivered again to whoever consumes next.
                return;
            }
            switch (admission.Status)
            {
                case AdmissionStatus.Accepted:
                    _counters.CountAccepted();
                    _uncommitted[result.TopicPartition] = result.Offset.Value + 1;
                    _frontier.Advance(topic, partition, result.Offset.Value);
                    return;
                case AdmissionStatus.NoRoute:
                    _counters.CountUnrouted();
                    _logger.LogDebug("Kafka endpoint '{Endpoint}': no route takes {Id}", _options.Name, value.Id);
                    _uncommitted[result.TopicPartition] = result.Offset.Value + 1;
                    _frontier.Advance(topic, partition, result.Offset.Value);
                    return;
                default:
                    _counters.CountRedelivered();
                    var wait = admission.RetryAfter > TimeSpan.Zero ? admission.RetryAfter : TimeSpan.FromSeconds(1);
                    _logger.LogDebug("Kafka endpoint '{Endpoint}': routes refused {Id} ({Reason}); offered again in {Wait}", _options.Name, value.Id, admission.Reason, wait);
                    if (TrySeek(result.TopicPartitionOffset))
                    {
                        // The partition re-fetches from this message; other partitions wait too, which is the backpressure wanted.
                        token.WaitHandle.WaitOne(wait);
                        return;
                    }
                    // Seeking failed (partition in a transitional state): offer again in place rather than skip it.
                    if (token.WaitHandle.WaitOne(wait)) return;
                    break;
            }
        }
    }

    private bool TrySeek(TopicPartitionOffset position)
    {
        try
        {
            _consumer.Seek(position);
            return true;
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning("Kafka endpoint '{Endpoint}' could not seek back to {Position}: {Reason}", _options.Name, position, ex.Error.Reason);
            return false;
        }
    }

    private void Commit(IEnumerable<TopicPartition>? only = null)
    {
        _lastCommit = DateTime.UtcNow;
        var offsets = _uncommitted
            .Where(p => only is null || only.Contains(p.Key))
            .Select(p => new TopicPartitionOffset(p.Key, new Offset(p.Value)))
            .ToList();
        if (offsets.Count == 0) return;
        try
        {
            _consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                if (_uncommitted.TryGetValue(offset.TopicPartition, out var pending) && pending == offset.Offset.Value) _uncommitted.Remove(offset.TopicPartition);
            }
        }
        catch (KafkaException ex)
        {
            // Kept for the next commit; until then a restart would deliver these messages again (at least once).
            _logger.LogWarning("Kafka endpoint '{Endpoint}' could not commit offsets: {Reason}", _options.Name, ex.Error.Reason);
        }
    }

    private void CommitRevoked(List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => p.TopicPartition).ToHashSet();
        Commit(revoked);
        foreach (var partition in revoked)
        {
            _uncommitted.Remove(partition);
            _frontier.Remove(partition.Topic, partition.Partition.Value);
        }
        _liveStart.Revoked(revoked);
    }

    /// <summary>
    /// Where each newly assigned partition starts: its committed offset, else where auto.offset.reset points (for
    /// <c>latest</c> see <see cref="KafkaLiveStart"/>). Given to librdkafka explicitly, so that the resume ids name each
    /// partition from exactly there before its first message arrives. Not knowing it is no error: librdkafka then
    /// resolves the start itself, and the partition joins the resume ids with its first message.
    /// </summary>
    private List<TopicPartitionOffset> Start(IConsumer<byte[]?, byte[]> consumer, List<TopicPartition> partitions)
    {
        var starts = partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();
        try
        {
            if (partitions.Count == 0) return starts;
            starts = consumer.Committed(partitions, SeedTimeout)
                .Select(c => new TopicPartitionOffset(c.TopicPartition, c.Offset.Value >= 0 ? c.Offset : ResetOffset(consumer, c.TopicPartition)))
                .ToList();
            foreach (var start in starts.Where(s => s.Offset.Value >= 0)) _frontier.Seed(start.Topic, start.Partition.Value, start.Offset.Value - 1);
        }
        catch (KafkaException ex)
        {
            starts = partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();
            _logger.LogWarning("Kafka endpoint '{Endpoint}' could not read where {Partitions} start ({Reason}); they join resume ids with their first message",
                _options.Name, string.Join(", ", partitions), ex.Error.Reason);
        }
        finally
        {
            _liveStart.Assigned(partitions);
        }
        return starts;
    }

    /// <summary>Where a partition without a committed offset starts per auto.offset.reset; <see cref="Offset.Unset"/> leaves it to librdkafka.</summary>
    private Offset ResetOffset(IConsumer<byte[]?, byte[]> consumer, TopicPartition partition)
    {
        var reset = _options.ConsumerProperties.TryGetValue("auto.offset.reset", out var value) ? value : "earliest";
        return reset switch
        {
            "earliest" or "smallest" or "beginning" => consumer.QueryWatermarkOffsets(partition, SeedTimeout).Low,
            "latest" or "largest" or "end" => new Offset(_liveStart.Latest(partition, () => consumer.QueryWatermarkOffsets(partition, SeedTimeout).High.Value)),
            _ => Offset.Unset,
        };
    }

    /// <summary>Stops the loop, commits what was accepted and leaves the group.</summary>
    public void Stop(TimeSpan timeout)
    {
        _stop.Cancel();
        if (_thread.IsAlive && !_thread.Join(timeout))
            _logger.LogWarning("Kafka endpoint '{Endpoint}': the consumer thread did not stop within {Timeout}", _options.Name, timeout);
        if (_thread.IsAlive) return;
        Commit();
        try
        {
            _consumer.Close();
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning("Kafka endpoint '{Endpoint}' consumer close: {Reason}", _options.Name, ex.Error.Reason);
        }
        _consumer.Dispose();
        _stop.Dispose();
    }
}

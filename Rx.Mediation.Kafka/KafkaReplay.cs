using System.Reactive.Disposables;
using System.Reactive.Linq;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Events;
using Rx.Mediation.Replay;

namespace Rx.Mediation.Kafka;

/// <summary>
/// One replay for one resuming client: a short-lived consumer of its own (no group membership, no commits) assigned to
/// each partition of the position at its offset + 1, reading until the high watermark it saw when it started, then
/// completing. It runs on a thread of its own because <c>Consume</c> blocks; the subscriber's <c>OnNext</c> may block
/// it too, which is how a slow client holds the replay back. At most <see cref="KafkaEndpointOptions.MaxReplays"/>
/// replays of one endpoint read at once; the others wait for a turn.
/// </summary>
internal static class KafkaReplay
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);

    public static IObservable<Event> After(KafkaEndpointOptions options, ReplayPosition after, SemaphoreSlim turns, KafkaLiveStart liveStart, ILogger logger) =>
        Observable.Create<Event>(observer =>
        {
            var stop = new CancellationTokenSource();
            var thread = new Thread(() => Run(options, after, turns, liveStart, observer, logger, stop))
            {
                IsBackground = true,
                Name = $"kafka-replay-{options.Name}",
            };
            thread.Start();
            return Disposable.Create(() =>
            {
                try
                {
                    stop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            });
        });

    private static void Run(KafkaEndpointOptions options, ReplayPosition after, SemaphoreSlim turns, KafkaLiveStart liveStart, IObserver<Event> observer, ILogger logger, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var entered = false;
        try
        {
            turns.Wait(token);
            entered = true;
            var read = Read(options, after, liveStart, observer, logger, token);
            if (!token.IsCancellationRequested)
            {
                logger.LogDebug("Kafka endpoint '{Endpoint}' replayed {Count} messages after {Position}", options.Name, read, after);
                observer.OnCompleted();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Whatever failed (the broker, a subscriber), it must not escape this thread: that would end the process.
            logger.LogWarning("Kafka endpoint '{Endpoint}' could not replay after {Position}: {Reason}", options.Name, after, ex.Message);
            if (!token.IsCancellationRequested)
            {
                try
                {
                    observer.OnError(ex);
                }
                catch (Exception inner)
                {
                    logger.LogError(inner, "Kafka endpoint '{Endpoint}': a replay's subscriber failed on the replay's error", options.Name);
                }
            }
        }
        finally
        {
            if (entered) turns.Release();
            stop.Dispose();
        }
    }

    private static long Read(KafkaEndpointOptions options, ReplayPosition after, KafkaLiveStart liveStart, IObserver<Event> observer, ILogger logger, CancellationToken token)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(Properties(options))
            .SetErrorHandler((_, error) => logger.LogDebug("Kafka endpoint '{Endpoint}' replay: {Reason} ({Code})", options.Name, error.Reason, error.Code))
            .SetLogHandler((_, message) => logger.LogDebug("Kafka endpoint '{Endpoint}' replay librdkafka {Facility}: {Message}", options.Name, message.Facility, message.Message))
            .Build();

        // Where each partition ends is fixed now: the replay covers what was there when the client came back; what
        // comes later reaches the client live (and the seam drops what it would get twice). A live consumer that gets
        // the partition only later starts no later than this end (KafkaLiveStart).
        var ends = new Dictionary<TopicPartition, long>();
        var starts = new List<TopicPartitionOffset>();
        var frontier = new KafkaFrontier();
        foreach (var (stream, offset) in after.Offsets)
        {
            if (!KafkaPositions.TryParseStream(stream, out var topic, out var partition)) continue;
            frontier.Seed(topic, partition, offset);
            var tp = new TopicPartition(topic, new Partition(partition));
            WatermarkOffsets marks;
            try
            {
                marks = liveStart.ReplayWatermarks(tp, () => consumer.QueryWatermarkOffsets(tp, options.ReplayTimeout));
            }
            catch (KafkaException ex) when (ex.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownPartition or ErrorCode.Local_UnknownTopic)
            {
                logger.LogWarning("Kafka endpoint '{Endpoint}': {Partition} is gone, nothing to replay from it ({Reason})", options.Name, tp, ex.Error.Reason);
                continue;
            }
            var start = offset + 1;
            if (start < marks.Low.Value)
            {
                logger.LogWarning("Kafka endpoint '{Endpoint}': offsets {From}..{To} of {Partition} were deleted (retention) and cannot be replayed",
                    options.Name, start, marks.Low.Value - 1, tp);
                start = marks.Low.Value;
            }
            if (start >= marks.High.Value) continue;
            starts.Add(new TopicPartitionOffset(tp, new Offset(start)));
            ends[tp] = marks.High.Value;
        }
        if (starts.Count == 0) return 0;

        consumer.Assign(starts);
        var read = 0L;
        var progress = DateTime.UtcNow;
        while (ends.Count > 0)
        {
            token.ThrowIfCancellationRequested();
            var result = consumer.Consume(PollTimeout);
            if (result is null)
            {
                if (DateTime.UtcNow - progress > options.ReplayTimeout)
                    throw new TimeoutException($"no message arrived for {options.ReplayTimeout} while {ends.Count} partition(s) still had messages to replay");
                continue;
            }
            progress = DateTime.UtcNow;
            var tp = result.TopicPartition;
            if (!ends.TryGetValue(tp, out var end)) continue;
            // End of the partition for now: with open transactions that is the last stable offset, below the high
            // watermark; the rest arrives live once committed.
            if (result.IsPartitionEOF || result.Offset.Value >= end)
            {
                Done(consumer, ends, tp);
                continue;
            }
            frontier.Advance(tp.Topic, tp.Partition.Value, result.Offset.Value);
            var resumeId = frontier.Stamp(tp.Topic, tp.Partition.Value, result.Offset.Value);
            observer.OnNext(KafkaMessages.ToEvent(options.Name, result, options.KeyHeader, resumeId));
            read++;
            if (result.Offset.Value >= end - 1) Done(consumer, ends, tp);
        }
        return read;
    }

    private static void Done(IConsumer<byte[]?, byte[]> consumer, Dictionary<TopicPartition, long> ends, TopicPartition partition)
    {
        ends.Remove(partition);
        if (ends.Count > 0) consumer.Pause([partition]);
    }

    /// <summary>The endpoint's consumer settings (servers, security, any Properties:…), without a group to join or commit to.</summary>
    private static Dictionary<string, string> Properties(KafkaEndpointOptions options)
    {
        var properties = new Dictionary<string, string>(options.ConsumerProperties, StringComparer.Ordinal)
        {
            // Never subscribed, so it joins no group; the id only satisfies librdkafka. Nothing is ever committed.
            ["group.id"] = options.GroupId + ".replay",
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            ["enable.partition.eof"] = "true",
            ["auto.offset.reset"] = "earliest",
        };
        properties["client.id"] = (options.ConsumerProperties.TryGetValue("client.id", out var id) ? id : "rx-mediation-" + options.Name) + "-replay";
        return properties;
    }
}

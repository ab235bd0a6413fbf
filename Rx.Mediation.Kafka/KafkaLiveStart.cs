using Confluent.Kafka;

namespace Rx.Mediation.Kafka;

/// <summary>
/// Keeps the live consumer from starting a partition after the end of a replay that ran before it got the partition.
/// A replay covers a partition up to the high watermark it saw; live delivery must pick up from there. With a committed
/// offset or <c>earliest</c> it always does, but a fresh group at <c>latest</c> starts at the high watermark of the
/// moment it is assigned the partition, which may be later: a client resuming on a server that has just started would
/// miss what was produced in between. So a partition started at <c>latest</c> starts at the lowest end of such a
/// replay instead. Replays read their watermarks, and the consumer its start, under one lock, so neither can slip
/// between the other's reading and remembering.
/// </summary>
internal sealed class KafkaLiveStart
{
    private readonly object _gate = new();
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly Dictionary<TopicPartition, long> _replayEnds = [];

    /// <summary>A replay's watermarks for <paramref name="partition"/>; its end is remembered while the consumer does not have the partition.</summary>
    public WatermarkOffsets ReplayWatermarks(TopicPartition partition, Func<WatermarkOffsets> query)
    {
        lock (_gate)
        {
            var marks = query();
            if (!_assigned.Contains(partition))
                _replayEnds[partition] = _replayEnds.TryGetValue(partition, out var end) ? Math.Min(end, marks.High.Value) : marks.High.Value;
            return marks;
        }
    }

    /// <summary>Where the consumer starts <paramref name="partition"/> at <c>latest</c>: the high watermark, or the end of an earlier replay if lower.</summary>
    public long Latest(TopicPartition partition, Func<long> queryHigh)
    {
        lock (_gate)
        {
            var high = queryHigh();
            return _replayEnds.TryGetValue(partition, out var end) ? Math.Min(end, high) : high;
        }
    }

    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                _assigned.Add(partition);
                _replayEnds.Remove(partition);
            }
        }
    }

    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions) _assigned.Remove(partition);
        }
    }
}

namespace Rx.Mediation.Kafka;

/// <summary>
/// How far a consumer has handed messages to the routes, per topic partition: the offset of the last message the routes
/// took (or that no route wanted), or, for a partition with none yet, the offset before the one it starts at. An
/// event's resume id (<see cref="Stamp"/>) is this frontier with the event's own position first: everything in it was
/// offered before the event, so a client that received the event resumes every partition right after it
/// (docs/endpoints/kafka.md, "Resume from the broker"). Used by one thread (the consumer's, or one replay's).
/// </summary>
internal sealed class KafkaFrontier
{
    private readonly SortedDictionary<string, SortedDictionary<int, long>> _topics = new(StringComparer.Ordinal);

    public int PartitionCount { get; private set; }

    /// <summary>Sets where a newly assigned partition stands: <paramref name="lastCovered"/> is the offset before its first message.</summary>
    public void Seed(string topic, int partition, long lastCovered) => Set(topic, partition, lastCovered, onlyForward: false);

    /// <summary>Records that the routes took (or did not want) the message at <paramref name="offset"/>.</summary>
    public void Advance(string topic, int partition, long offset) => Set(topic, partition, offset, onlyForward: true);

    /// <summary>Forgets a partition that was revoked: this consumer hands out no more of it.</summary>
    public void Remove(string topic, int partition)
    {
        if (!_topics.TryGetValue(topic, out var partitions) || !partitions.Remove(partition)) return;
        PartitionCount--;
        if (partitions.Count == 0) _topics.Remove(topic);
    }

    public bool TryGet(string topic, int partition, out long offset)
    {
        offset = 0;
        return _topics.TryGetValue(topic, out var partitions) && partitions.TryGetValue(partition, out offset);
    }

    /// <summary>
    /// The resume id of the message at <paramref name="offset"/>: its own position first, then every other partition's.
    /// Null when the message's own position is the whole of it (one partition): its event id says it all.
    /// </summary>
    public string? Stamp(string topic, int partition, long offset)
    {
        var others = PartitionCount - (TryGet(topic, partition, out _) ? 1 : 0);
        if (others == 0) return null;
        var topics = _topics.Select(pair => (pair.Key, Partitions: pair.Key == topic ? WithOwn(pair.Value, partition, offset) : pair.Value)).ToList();
        if (!_topics.ContainsKey(topic)) topics.Add((topic, new SortedDictionary<int, long> { [partition] = offset }));
        return KafkaPositions.Format(topics.Select(t => (t.Key, (IEnumerable<KeyValuePair<int, long>>)t.Partitions)), topic, partition);
    }

    private static IEnumerable<KeyValuePair<int, long>> WithOwn(SortedDictionary<int, long> partitions, int own, long offset)
    {
        var found = false;
        foreach (var (partition, last) in partitions)
        {
            if (partition == own)
            {
                found = true;
                yield return new(partition, offset);
            }
            else
            {
                yield return new(partition, last);
            }
        }
        if (!found) yield return new(own, offset);
    }

    private void Set(string topic, int partition, long offset, bool onlyForward)
    {
        if (!_topics.TryGetValue(topic, out var partitions)) _topics[topic] = partitions = [];
        if (partitions.TryGetValue(partition, out var known))
        {
            if (!onlyForward || offset > known) partitions[partition] = offset;
            return;
        }
        partitions[partition] = offset;
        PartitionCount++;
    }
}

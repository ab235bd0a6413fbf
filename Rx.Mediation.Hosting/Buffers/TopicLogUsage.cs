namespace Rx.Mediation.Hosting.Buffers;

/// <summary>What a <see cref="TopicLog"/> holds: topics, events, and bytes as its budget counts them.</summary>
public readonly record struct TopicLogUsage(int Topics, int Events, long Bytes);

using System.Diagnostics.CodeAnalysis;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;

namespace Rx.Mediation.Replay;

/// <summary>
/// A source whose events sit at positions of a log that can be read again (Kafka), so a web client that comes back
/// (SSE <c>Last-Event-ID</c>, a poll cursor) can resume from the broker on any server instance, not only from an
/// entrypoint's in-memory buffer. Sources without such positions (queues, MQTT, AMQP) do not implement it.
/// <para>A position is a set of stream offsets (<see cref="ReplayPosition"/>); its text form is the source's own
/// (Kafka: <c>topic@partition#offset</c>, with more partitions after commas). Entrypoints treat it as opaque.</para>
/// </summary>
public interface IReplayableSource : IMediationNode
{
    /// <summary>
    /// Recognises a position this source handed out (an SSE id, the broker part of a poll cursor). False for anything
    /// else: malformed text, another source's ids, streams this source does not consume.
    /// </summary>
    bool TryParsePosition(string text, [NotNullWhen(true)] out ReplayPosition? position);

    /// <summary>
    /// The position one of this source's events stands for: its own stream offset as <see cref="ReplayPosition.At"/>,
    /// plus the other streams as far as the source had delivered them when it emitted the event. False for events this
    /// source did not produce (or whose position a route stage removed).
    /// </summary>
    bool TryGetPosition(Event value, [NotNullWhen(true)] out ReplayPosition? position);

    /// <summary>The text <see cref="TryParsePosition"/> reads back; <see cref="ReplayPosition.At"/> comes first.</summary>
    string FormatPosition(ReplayPosition position);

    /// <summary>
    /// Cold: each subscription reads, for every stream <paramref name="after"/> names, the events after its offset up
    /// to that stream's end at the time of subscribing, in stream order, then completes. Each event carries its
    /// position (see <see cref="TryGetPosition"/>). Fails (OnError) when the broker cannot be read. Disposing stops it.
    /// </summary>
    IObservable<Event> ReplayAfter(ReplayPosition after);
}

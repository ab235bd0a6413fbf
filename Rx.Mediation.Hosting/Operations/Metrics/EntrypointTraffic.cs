using Rx.Mediation.Diagnostics;
using Rx.Mediation.Events;
using Rx.Mediation.Hosting.Entrypoints;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// What one web entrypoint took from its clients and wrote to them: the <c>in</c> and <c>out</c> of
/// <c>rx_mediation_entrypoint_events_total</c>. One interlocked add per event, beside a network write.
/// </summary>
public sealed class EntrypointTraffic
{
    private long _received, _written;

    /// <summary>Events taken from web clients and offered to the routes (accepted or not).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Events written to web clients, once per client (an event fanned out to three clients counts three).</summary>
    public long Written => Volatile.Read(ref _written);

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void CountWritten(long count = 1) => Interlocked.Add(ref _written, count);
}

/// <summary>
/// The one call each web entrypoint makes where it has written a live event to a client: counts it as the
/// entrypoint's <c>out</c> and records the delivery latency (event timestamp → this write).
/// </summary>
public static class ClientDelivery
{
    public static void Written(WebEntrypoint entrypoint, Event value)
    {
        entrypoint.Traffic.CountWritten();
        MediationMeter.Written(entrypoint.Name, value);
    }

    public static void Written(WebEntrypoint entrypoint, IEnumerable<Event> values)
    {
        foreach (var value in values) Written(entrypoint, value);
    }
}

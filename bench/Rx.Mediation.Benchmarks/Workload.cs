using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// What every throughput benchmark pushes: the same <see cref="EventsPerInvoke"/> pre-built events per invocation,
/// through a bounded hand-off of the same <see cref="Capacity"/>, filtered and projected by the same two lambdas.
/// </summary>
public static class Workload
{
    /// <summary>Events per benchmark invocation; every benchmark sets <c>OperationsPerInvoke</c> to it, so BDN reports per event.</summary>
    public const int EventsPerInvoke = 100_000;

    /// <summary>Capacity of the route's bridge and of the raw channel baseline.</summary>
    public const int Capacity = 8192;

    public const string SourceName = "src";
    public const string InTopic = "t";
    public const string OutTopic = "out";
    public const string TargetName = "memory";

    /// <summary>Longest an invocation may wait for its events to arrive before the run fails.</summary>
    public static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(60);

    private static readonly byte[] Payload = new byte[64];

    /// <summary>The route's Where: every pre-built event passes it, so every event is projected.</summary>
    public static bool Filter(Event e) => e.Topic == InTopic;

    /// <summary>The route's Select: allocates one new <see cref="Event"/> ("the event itself").</summary>
    public static Event Project(Event e) => e.WithTopic(OutTopic);

    /// <summary>Built once in GlobalSetup, so creating the input is never measured.</summary>
    public static Event[] CreateEvents() =>
        Enumerable.Range(0, EventsPerInvoke).Select(_ => Event.Create(SourceName, InTopic, Payload)).ToArray();
}

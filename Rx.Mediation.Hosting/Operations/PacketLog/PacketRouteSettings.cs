using Rx.Mediation.Diagnostics;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>One route's effective settings, compiled to two stage masks and a sampling rate for the hot path.</summary>
public sealed class PacketRouteSettings
{
    private const int FlowStages = 1 << (int)FlowStage.Received | 1 << (int)FlowStage.Routed | 1 << (int)FlowStage.Delivered;
    private const int ErrorStages = 1 << (int)FlowStage.Dropped | 1 << (int)FlowStage.Failed;

    public PacketRouteSettings(PacketLogLevel level, PacketSampling sampling)
    {
        Level = level;
        Sampling = sampling;
        Stages = level switch
        {
            PacketLogLevel.Flow => sampling.Rate > 0 ? FlowStages | ErrorStages : ErrorStages,
            PacketLogLevel.Errors => ErrorStages,
            _ => 0,
        };
        SampledStages = sampling.All ? 0 : FlowStages;
    }

    public PacketLogLevel Level { get; }

    public PacketSampling Sampling { get; }

    /// <summary>Bit <c>1 &lt;&lt; stage</c> set for each stage the route logs.</summary>
    internal int Stages { get; }

    /// <summary>Bit set for each logged stage that is sampled (the flow stages, unless the rate is 1).</summary>
    internal int SampledStages { get; }

    public override string ToString() => Level == PacketLogLevel.Flow ? $"flow, sample {Sampling}" : Level.ToString().ToLowerInvariant();
}

using Rx.Mediation.Events;

namespace Rx.Mediation.Diagnostics;

/// <summary>
/// Which records a tap wants from one route: a set of stages, some of them sampled. A route asks its taps once (and
/// again after <see cref="FlowTaps.Refresh"/>) and decides each record inline before building it, so stages nobody
/// wants, and events sampled out, cost a mask test and a multiply instead of a record, a clock read and a call.
/// <para>
/// Sampling is decided per event from its timestamp (<see cref="Mix"/> below a threshold), so an event is either
/// kept at every sampled stage of every route or at none. Immutable: routes may read it from several threads.
/// </para>
/// </summary>
public class FlowInterest
{
    /// <summary>Every stage, none sampled: what a tap that says nothing gets.</summary>
    public static FlowInterest All { get; } = new(AllStages);

    /// <summary>No stage at all.</summary>
    public static FlowInterest Nothing { get; } = new(0);

    /// <summary>The mask of every <see cref="FlowStage"/> (bit <c>1 &lt;&lt; stage</c>).</summary>
    public const int AllStages = (1 << 5) - 1;

    /// <param name="stages">Bit <c>1 &lt;&lt; stage</c> for each stage wanted.</param>
    /// <param name="sampledStages">Of those, the stages kept only for sampled events.</param>
    /// <param name="sampleThreshold">An event is sampled when <see cref="Mix"/> of its timestamp's UTC ticks is below this.</param>
    public FlowInterest(int stages, int sampledStages = 0, ulong sampleThreshold = 0)
    {
        Stages = stages & AllStages;
        SampledStages = sampledStages & Stages;
        SampleThreshold = sampleThreshold;
    }

    public int Stages { get; }

    public int SampledStages { get; }

    public ulong SampleThreshold { get; }

    public static int Bit(FlowStage stage) => 1 << (int)stage;

    /// <summary>Whether a record of <paramref name="stage"/> for <paramref name="value"/> is to be built and handed to the taps.</summary>
    public bool Wants(FlowStage stage, Event value)
    {
        var bit = Bit(stage);
        if ((Stages & bit) == 0) return false;
        if ((SampledStages & bit) == 0 || Mix(value.Timestamp.UtcTicks) < SampleThreshold) return true;
        SampledOut(stage);
        return false;
    }

    /// <summary>Told of each record the route skipped because its event was not sampled (for a tap's own ledger).</summary>
    protected virtual void SampledOut(FlowStage stage)
    {
    }

    /// <summary>SplitMix64's finalizer: spreads nearby timestamps evenly over 64 bits.</summary>
    public static ulong Mix(long value)
    {
        var z = unchecked((ulong)value + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>What several taps want together: every stage any of them wants, none sampled (each tap samples for itself).</summary>
    internal static FlowInterest Union(IEnumerable<FlowInterest> interests)
    {
        var stages = 0;
        foreach (var interest in interests) stages |= interest.Stages;
        return stages == AllStages ? All : new FlowInterest(stages);
    }
}

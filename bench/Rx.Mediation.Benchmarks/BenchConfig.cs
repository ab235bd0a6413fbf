using System.Runtime.CompilerServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// The short job every benchmark here uses (one launch, 3 warmup and 8 measured iterations, so the default run
/// stays within a few minutes on 2 cores), the memory diagnoser, an events/s column, BenchmarkDotNet's default exporters (GitHub markdown included),
/// and artifacts kept next to this project rather than in the caller's working directory.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8).WithId("Short-1x3x8"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new EventsPerSecondColumn());
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
        ArtifactsPath = Path.Combine(ProjectDirectory(), "BenchmarkDotNet.Artifacts");
    }

    private static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

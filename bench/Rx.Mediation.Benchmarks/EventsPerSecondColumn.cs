using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rx.Mediation.Benchmarks;

/// <summary>Events/s = 1e9 / (Mean in ns per event); valid because every benchmark sets OperationsPerInvoke to its event count.</summary>
public sealed class EventsPerSecondColumn : IColumn
{
    public string Id => nameof(EventsPerSecondColumn);
    public string ColumnName => "Events/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Events per second: 1e9 / Mean (Mean is ns per event)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || stats.Mean <= 0) return "NA";
        var perSecond = 1e9 / stats.Mean;
        return perSecond >= 1e6 ? $"{perSecond / 1e6:N2} M" : $"{perSecond / 1e3:N0} k";
    }

    public override string ToString() => ColumnName;
}

using BenchmarkDotNet.Running;

namespace Rx.Mediation.Benchmarks;

/// <summary>Entry point: <c>eng/bench.sh</c> (default: the route throughput comparison), or any BenchmarkDotNet arguments.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

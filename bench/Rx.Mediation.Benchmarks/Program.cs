using BenchmarkDotNet.Running;

namespace Rx.Mediation.Benchmarks;

/// <summary>Entry point: <c>eng/bench.sh</c> (default: the route throughput comparison), or any BenchmarkDotNet arguments.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--profile-route" or "--profile-inline", ..])
        {
            var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
            ProfileLoop.Run(TimeSpan.FromSeconds(seconds), inline: args[0] == "--profile-inline");
            return;
        }
        if (args is ["--profile-egress", var which, ..])
        {
            var seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
            var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
            ProfileLoop.RunEgress(TimeSpan.FromSeconds(seconds), newTopics: which == "new", rounds);
            return;
        }
        if (args is ["--ratio-egress", ..])
        {
            EgressRatio.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40, throughRoute: args is [_, _, "route", ..]);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

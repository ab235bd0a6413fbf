using System.Diagnostics;
using Rx.Mediation.Events;

namespace Rx.Mediation.Benchmarks;

/// <summary>
/// <see cref="EgressTopics"/>' buffers pair as one figure that this machine's drift cannot skew: the one-topic and the
/// new-topic-per-event cases, each with its own <see cref="EgressFixture"/>, run in alternating rounds of
/// <see cref="Workload.EventsPerInvoke"/> events, and each pair of rounds gives one ratio (new-topic throughput over
/// one-topic throughput). A slow minute slows both rounds of a pair alike, where runs minutes apart (BenchmarkDotNet's)
/// each catch a different minute. Prints the median ratio and its spread. The route pair (<see cref="EgressFixture.ThroughRoute"/>)
/// runs the same way when asked.
/// Run with <c>dotnet run -c Release --project bench/Rx.Mediation.Benchmarks -- --ratio-egress [pairs] [buffers|route]</c>.
/// </summary>
public static class EgressRatio
{
    private const int WarmUpRounds = 10;

    public static void Run(int pairs, bool throughRoute = false)
    {
        var one = new Variant(newTopics: false, throughRoute);
        var fresh = new Variant(newTopics: true, throughRoute);
        for (var i = 0; i < WarmUpRounds; i++)
        {
            one.Round();
            fresh.Round();
        }
        var ratios = new double[pairs];
        var oneNs = new double[pairs];
        var freshNs = new double[pairs];
        for (var i = 0; i < pairs; i++)
        {
            // Each goes first in every other pair, so neither always inherits the other's caches.
            if (i % 2 == 0)
            {
                oneNs[i] = one.Round();
                freshNs[i] = fresh.Round();
            }
            else
            {
                freshNs[i] = fresh.Round();
                oneNs[i] = one.Round();
            }
            ratios[i] = oneNs[i] / freshNs[i];
        }
        one.Dispose();
        fresh.Dispose();
        System.Console.WriteLine($"egress {(throughRoute ? "route" : "buffers")}, {pairs} pairs of {Workload.EventsPerInvoke:N0}-event rounds, alternating:");
        System.Console.WriteLine($"  one topic:             median {Median(oneNs):0.0} ns/event ({Quantile(oneNs, 0.1):0.0}-{Quantile(oneNs, 0.9):0.0}, 10th-90th percentile)");
        System.Console.WriteLine($"  a new topic per event: median {Median(freshNs):0.0} ns/event ({Quantile(freshNs, 0.1):0.0}-{Quantile(freshNs, 0.9):0.0})");
        System.Console.WriteLine($"  new-topic throughput / one-topic: median {Median(ratios):0.00} ({Quantile(ratios, 0.1):0.00}-{Quantile(ratios, 0.9):0.00}; min {ratios.Min():0.00}, max {ratios.Max():0.00})");
    }

    private static double Median(double[] values) => Quantile(values, 0.5);

    private static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    /// <summary>One case: its fixture and its events (four batches of new topics, so a round's topics were all forgotten).</summary>
    private sealed class Variant : IDisposable
    {
        private readonly Event[][] _batches;
        private readonly EgressFixture _egress = EgressFixture.Create();
        private readonly bool _throughRoute;
        private int _round;

        public Variant(bool newTopics, bool throughRoute)
        {
            _throughRoute = throughRoute;
            var payload = new byte[64];
            _batches = Enumerable.Range(0, 4).Select(batch => Enumerable.Range(0, Workload.EventsPerInvoke)
                .Select(i => Event.Create(Workload.SourceName, newTopics ? $"{Workload.InTopic}/{batch}/{i}" : Workload.InTopic, payload)).ToArray()).ToArray();
        }

        /// <summary>Runs one round; returns its nanoseconds per event.</summary>
        public double Round()
        {
            var events = _batches[_round++ % _batches.Length];
            var clock = Stopwatch.StartNew();
            if (_throughRoute) _egress.ThroughRoute(events);
            else _egress.Inline(events);
            return clock.Elapsed.TotalNanoseconds / events.Length;
        }

        public void Dispose() => _egress.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Rx.Mediation.Hosting.Operations.Metrics;

/// <summary>
/// Listens to the instruments it is given (a <see cref="MeterListener"/>) and keeps what they measure, for a
/// collection: observable instruments are read at <see cref="Collect"/>; counters, up-down counters, gauges and
/// histograms that record as they go are aggregated here per tag set (sums, last values, histogram buckets).
/// <para>
/// A recording finds its series without allocating (the tag set is keyed in a stack buffer) and takes one lock of
/// that series; only a tag set seen for the first time allocates.
/// </para>
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Prometheus' default buckets, for a histogram that advises none.</summary>
    public static readonly IReadOnlyList<double> DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _collecting = new();
    private int _disposed;

    /// <param name="accept">Which published instruments to listen to.</param>
    public MetricsCollector(Func<Instrument, bool> accept)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!accept(instrument) || InstrumentState.Create(instrument) is not { } state) return;
                // Published once per listener; should it come twice, the first state stays.
                if (_instruments.TryAdd(instrument, state)) listener.EnableMeasurementEvents(instrument, state);
            },
            MeasurementsCompleted = (instrument, state) =>
            {
                if (state is InstrumentState ended) _instruments.TryRemove(new KeyValuePair<Instrument, InstrumentState>(instrument, ended));
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments, then returns every instrument's series; one collection at a time.</summary>
    public IReadOnlyList<MetricData> Collect()
    {
        lock (_collecting)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            foreach (var state in _instruments.Values) state.BeginObservation();
            // Calls each observable instrument's callback on this thread; their measurements land in Record.
            _listener.RecordObservableInstruments();
            return [.. _instruments.Values.Select(s => s.Snapshot())];
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_collecting) _listener.Dispose();
    }

    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly MetricKind _kind;
        private readonly Aggregation _aggregation;
        private readonly double[] _bounds;
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Series>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        private InstrumentState(Instrument instrument, MetricKind kind, Aggregation aggregation, double[] bounds)
        {
            _instrument = instrument;
            _kind = kind;
            _aggregation = aggregation;
            _bounds = bounds;
            _lookup = _series.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        private enum Aggregation
        {
            /// <summary>Observable: the value observed at this collection (series not observed now are gone).</summary>
            Observed,
            Sum,
            LastValue,
            Histogram,
        }

        public static InstrumentState? Create(Instrument instrument)
        {
            var type = instrument.GetType();
            if (!type.IsGenericType) return null;
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(ObservableCounter<>)) return new(instrument, MetricKind.Counter, Aggregation.Observed, []);
            if (definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>)) return new(instrument, MetricKind.Gauge, Aggregation.Observed, []);
            if (definition == typeof(Counter<>)) return new(instrument, MetricKind.Counter, Aggregation.Sum, []);
            if (definition == typeof(UpDownCounter<>)) return new(instrument, MetricKind.Gauge, Aggregation.Sum, []);
            if (definition == typeof(Gauge<>)) return new(instrument, MetricKind.Gauge, Aggregation.LastValue, []);
            if (definition == typeof(Histogram<>)) return new(instrument, MetricKind.Histogram, Aggregation.Histogram, Bounds(instrument));
            return null;
        }

        public void BeginObservation()
        {
            if (_aggregation == Aggregation.Observed) _series.Clear();
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = _aggregation == Aggregation.Observed ? Find(tags) : FindRecent(tags);
            lock (series)
            {
                switch (_aggregation)
                {
                    case Aggregation.Sum:
                        series.Value += value;
                        break;
                    case Aggregation.Histogram:
                        series.Counts![Bucket(value)]++;
                        series.Sum += value;
                        series.Count++;
                        break;
                    default:
                        series.Value = value;
                        break;
                }
            }
        }

        public MetricData Snapshot()
        {
            var series = new List<MetricSeries>(_series.Count);
            foreach (var item in _series.Values)
            {
                lock (item)
                {
                    series.Add(_aggregation == Aggregation.Histogram
                        ? new MetricSeries(item.Labels, 0, new HistogramPoint(_bounds, [.. item.Counts!], item.Sum, item.Count))
                        : new MetricSeries(item.Labels, item.Value));
                }
            }
            return new MetricData(_instrument.Name, _instrument.Unit, _instrument.Description, _kind, series);
        }

        private int Bucket(double value)
        {
            // Upper bounds are inclusive (Prometheus 'le', OpenTelemetry's explicit buckets).
            var index = Array.BinarySearch(_bounds, value);
            return index >= 0 ? index : ~index;
        }

        // Recorders pass the same tag instances again and again (a node's name, a constant): comparing references with
        // the last series found skips building its key. Not for observed instruments, whose series are renewed per collection.
        private Series FindRecent(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var last = Volatile.Read(ref _recent);
            if (last is not null && last.Matches(tags)) return last.Series;
            var series = Find(tags);
            // Boxed values are new objects each time: remembering them would only allocate.
            foreach (var tag in tags)
            {
                if (tag.Value is not (string or null)) return series;
            }
            Volatile.Write(ref _recent, new RecentSeries(tags.ToArray(), series));
            return series;
        }

        private RecentSeries? _recent;

        private sealed class RecentSeries(KeyValuePair<string, object?>[] tags, Series series)
        {
            public Series Series { get; } = series;

            public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
            {
                if (other.Length != tags.Length) return false;
                for (var i = 0; i < tags.Length; i++)
                {
                    if (!ReferenceEquals(tags[i].Key, other[i].Key) || !ReferenceEquals(tags[i].Value, other[i].Value)) return false;
                }
                return true;
            }
        }

        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // The key is the tags in name order, "name\u001Fvalue\u001E" each: built on the stack for the usual few short tags.
            Span<int> order = tags.Length <= 16 ? stackalloc int[tags.Length] : new int[tags.Length];
            var length = 0;
            for (var i = 0; i < tags.Length; i++)
            {
                order[i] = i;
                length += tags[i].Key.Length + ValueLength(tags[i].Value) + 2;
            }
            for (var i = 1; i < order.Length; i++)
            {
                for (var j = i; j > 0 && string.CompareOrdinal(tags[order[j - 1]].Key, tags[order[j]].Key) > 0; j--) (order[j - 1], order[j]) = (order[j], order[j - 1]);
            }
            Span<char> key = length <= 512 ? stackalloc char[length] : new char[length];
            var at = 0;
            foreach (var i in order)
            {
                tags[i].Key.AsSpan().CopyTo(key[at..]);
                at += tags[i].Key.Length;
                key[at++] = '\u001F';
                at += WriteValue(tags[i].Value, key[at..]);
                key[at++] = '\u001E';
            }
            key = key[..at];
            if (_lookup.TryGetValue(key, out var found)) return found;

            var labels = new KeyValuePair<string, string>[order.Length];
            for (var i = 0; i < order.Length; i++) labels[i] = new(tags[order[i]].Key, Text(tags[order[i]].Value));
            var created = new Series(labels, _aggregation == Aggregation.Histogram ? new long[_bounds.Length + 1] : null);
            return _series.GetOrAdd(new string(key), created);
        }

        private static int ValueLength(object? value) => value is string text ? text.Length : Text(value).Length;

        private static int WriteValue(object? value, Span<char> destination)
        {
            var text = value as string ?? Text(value);
            text.AsSpan().CopyTo(destination);
            return text.Length;
        }

        private static string Text(object? value) => value switch
        {
            null => "",
            string text => text,
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        private static double[] Bounds(Instrument instrument)
        {
            var advised = (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.Select(b => b)
                ?? (instrument as Histogram<long>)?.Advice?.HistogramBucketBoundaries?.Select(b => (double)b)
                ?? (instrument as Histogram<int>)?.Advice?.HistogramBucketBoundaries?.Select(b => (double)b)
                ?? (instrument as Histogram<float>)?.Advice?.HistogramBucketBoundaries?.Select(b => (double)b);
            var bounds = (advised ?? DefaultBuckets).Where(b => !double.IsNaN(b) && !double.IsInfinity(b)).Distinct().Order().ToArray();
            return bounds;
        }
    }

    private sealed class Series(KeyValuePair<string, string>[] labels, long[]? counts)
    {
        public KeyValuePair<string, string>[] Labels { get; } = labels;

        public long[]? Counts { get; } = counts;

        public double Value { get; set; }

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}

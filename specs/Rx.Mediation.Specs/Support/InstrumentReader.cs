using System.Diagnostics.Metrics;

namespace Rx.Mediation.Specs.Support;

/// <summary>
/// Reads the observable instruments of one meter, as an exporter does: each <see cref="Collect"/> returns every
/// measurement by instrument name and sorted tags (the last of two with the same tags wins, as in Prometheus' text).
/// Collections from several threads run one at a time.
/// </summary>
public sealed class InstrumentReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _collecting = new();
    private Dictionary<(string Name, string Tags), long> _values = [];

    public InstrumentReader(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Keep(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Keep(i, v, tags));
        _listener.Start();
    }

    public Dictionary<(string Name, string Tags), long> Collect()
    {
        lock (_collecting)
        {
            _values = [];
            _listener.RecordObservableInstruments();
            return _values;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Keep(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        _values[(instrument.Name, key)] = value;
    }
}

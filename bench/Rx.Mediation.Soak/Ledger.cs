using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rx.Mediation.Soak;

/// <summary>
/// What the clients were told and what they saw: every key the server accepted, what each subscriber received, and
/// the publish-to-receipt latencies of the current second. Keys are the soak's own (<c>p3-1207</c>), carried in the payload.
/// </summary>
internal sealed class Ledger
{
    private readonly ConcurrentDictionary<string, long> _accepted = new();
    private readonly object _latencyGate = new();
    private List<double> _latencies = [];
    private long _refused, _oversizedRefused, _oversizedAccepted, _failedRequests, _published;

    public IReadOnlyCollection<string> Accepted => (IReadOnlyCollection<string>)_accepted.Keys;

    public long AcceptedCount => _accepted.Count;

    public long Published => Interlocked.Read(ref _published);

    public long Refused => Interlocked.Read(ref _refused);

    public long OversizedRefused => Interlocked.Read(ref _oversizedRefused);

    public long OversizedAccepted => Interlocked.Read(ref _oversizedAccepted);

    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    public List<Subscriber> Subscribers { get; } = [];

    public void Publishing() => Interlocked.Increment(ref _published);

    public void Accept(string key) => _accepted[key] = Stopwatch.GetTimestamp();

    /// <summary>Refused by the server (503, a WebSocket rejected notice): the client knows, so it is not owed.</summary>
    public void Refuse(string? key = null)
    {
        Interlocked.Increment(ref _refused);
        if (key is not null) _accepted.TryRemove(key, out _);
    }

    public void OversizedAnswered(bool refused) => Interlocked.Increment(ref refused ? ref _oversizedRefused : ref _oversizedAccepted);

    public void RequestFailed() => Interlocked.Increment(ref _failedRequests);

    public void Latency(long sentTimestamp)
    {
        var ms = Stopwatch.GetElapsedTime(sentTimestamp).TotalMilliseconds;
        lock (_latencyGate) _latencies.Add(ms);
    }

    /// <summary>The latencies since the last call, sorted.</summary>
    public List<double> TakeLatencies()
    {
        List<double> taken;
        lock (_latencyGate)
        {
            taken = _latencies;
            _latencies = [];
        }
        taken.Sort();
        return taken;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>One subscribing client: its kind (the entrypoint it reads), whether it reads slowly, and the keys it received.</summary>
internal sealed class Subscriber(string name, string entrypoint, bool slow)
{
    private readonly HashSet<string> _keys = [];
    private long _received;

    public string Name { get; } = name;

    public string Entrypoint { get; } = entrypoint;

    public bool Slow { get; } = slow;

    /// <summary>Set once publishing ended: a slow reader then reads at full speed, so what is queued for it arrives or is counted.</summary>
    public bool Draining { get; set; }

    public bool Pausing => Slow && !Draining;

    public long Received => Interlocked.Read(ref _received);

    public int Distinct
    {
        get { lock (_keys) return _keys.Count; }
    }

    public void Receive(string key)
    {
        Interlocked.Increment(ref _received);
        lock (_keys) _keys.Add(key);
    }

    public int CountOf(IReadOnlyCollection<string> keys)
    {
        lock (_keys) return keys.Count(_keys.Contains);
    }
}

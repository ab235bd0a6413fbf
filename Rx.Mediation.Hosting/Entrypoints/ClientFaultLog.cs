using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Entrypoints;

/// <summary>
/// Logs what clients do wrong (a body that stops arriving, a malformed request) at Warning, with no stack trace and at
/// most once per <paramref name="interval"/> for each kind of fault: a client must not be able to flood the log. The
/// next line says how many were left out.
/// </summary>
public sealed class ClientFaultLog(TimeSpan interval, IScheduler clock)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public void Report(ILogger logger, string entrypoint, string fault, string detail)
    {
        if (!TryEnter(fault, out var left)) return;
        logger.LogWarning("Client fault at entrypoint {Entrypoint}: {Fault}: {Detail} ({Suppressed} more like it left out in the last {IntervalSeconds} s)",
            entrypoint, fault, detail, left, (long)interval.TotalSeconds);
    }

    /// <summary>
    /// A refused caller, as an audit line: who (never the credential), where, which topic, why; rate-limited like faults.
    /// </summary>
    public void Refused(ILogger logger, string entrypoint, string principal, string? topic, string reason, string? address)
    {
        if (!TryEnter("refused:" + reason, out var left)) return;
        logger.LogWarning("Access refused at entrypoint {Entrypoint}: principal {Principal}, topic {Topic}, from {Address}: {Reason} ({Suppressed} more like it left out in the last {IntervalSeconds} s)",
            entrypoint, principal, topic, address, reason, left, (long)interval.TotalSeconds);
    }

    /// <summary>Whether a line for <paramref name="fault"/> may be written now, and how many were left out since the last.</summary>
    private bool TryEnter(string fault, out int left)
    {
        var now = clock.Now;
        var window = _windows.GetOrAdd(fault, static _ => new Window());
        lock (window)
        {
            left = 0;
            if (now < window.Until)
            {
                window.Suppressed++;
                return false;
            }
            left = window.Suppressed;
            window.Suppressed = 0;
            window.Until = now + interval;
            return true;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Until = DateTimeOffset.MinValue;
        public int Suppressed;
    }
}

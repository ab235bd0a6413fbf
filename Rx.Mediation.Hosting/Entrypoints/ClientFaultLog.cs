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
        var now = clock.Now;
        var window = _windows.GetOrAdd(fault, static _ => new Window());
        int left;
        lock (window)
        {
            if (now < window.Until)
            {
                window.Suppressed++;
                return;
            }
            left = window.Suppressed;
            window.Suppressed = 0;
            window.Until = now + interval;
        }
        logger.LogWarning("Client fault at entrypoint {Entrypoint}: {Fault}: {Detail} ({Suppressed} more like it left out in the last {IntervalSeconds} s)",
            entrypoint, fault, detail, left, (long)interval.TotalSeconds);
    }

    private sealed class Window
    {
        public DateTimeOffset Until = DateTimeOffset.MinValue;
        public int Suppressed;
    }
}

using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// Drains the packet log's queue on a thread of its own: takes every line queued (up to <see cref="MaxBatch"/>), writes
/// them as JSON into one buffer, and hands the whole batch to the output in one <c>Write</c> call. Through
/// <see cref="Console.Out"/>, which is synchronized and is also where the JSON console logger writes, the two never
/// interleave within a line. A slow or blocked output blocks only this thread; the queue then fills and the log drops
/// (and counts) its own lines, never the routes' events.
/// <para>Every <see cref="PacketLogSettings.ReportInterval"/> it logs a warning if it dropped lines since the last one,
/// and at stop it writes what is still queued and reports its totals.</para>
/// </summary>
public sealed class PacketLogWriter : IHostedService, IDisposable
{
    /// <summary>Most lines written per <c>Write</c> call.</summary>
    public const int MaxBatch = 4096;

    // After a wake-up with less than a full batch, wait this long for more lines: a trickle of lines then costs a few
    // writes a second rather than one per line, and a line reaches stdout at most this much later.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(10);

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = false,
        SkipValidation = true,
        // Topics, ids and reasons as they are ("orders/<eu>" stays readable); quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly PacketLogTap _log;
    private readonly TextWriter _output;
    private readonly ILogger _logger;
    private readonly TimeSpan _reportInterval;
    private readonly object _reportGate = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private Timer? _reportTimer;
    private long _reportedDropped;
    private long[] _reportedByReason = new long[PacketLogDropReasonNames.Count];
    private volatile bool _stopping;

    /// <param name="output">Where lines go: <see cref="Console.Out"/> in the server, anything in tests.</param>
    public PacketLogWriter(PacketLogTap log, TextWriter output, ILogger<PacketLogWriter> logger)
    {
        _log = log;
        _output = output;
        _logger = logger;
        _reportInterval = log.Settings.ReportInterval;
    }

    /// <summary>Completes when the writer has written (or dropped) everything queued, after <see cref="StopAsync"/>.</summary>
    public Task Completion => _done.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_thread is not null) return Task.CompletedTask;
        _thread = new Thread(Run) { IsBackground = true, Name = "packet-log writer" };
        _thread.Start();
        _reportTimer = new Timer(_ => Report(final: false), null, _reportInterval, _reportInterval);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking lines, writes what is queued (until <paramref name="cancellationToken"/> gives up), then reports.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _log.Complete();
        if (_reportTimer is { } timer) await timer.DisposeAsync().ConfigureAwait(false);
        if (_thread is not null)
        {
            try
            {
                await _done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("The packet log had {Queued} lines left to write when the server stopped", _log.Counters.Queued);
            }
        }
        Report(final: true);
    }

    public void Dispose()
    {
        _log.Complete();
        _reportTimer?.Dispose();
    }

    private void Run()
    {
        var reader = _log.Reader;
        var bytes = new ArrayBufferWriter<byte>(256 * 1024);
        using var json = new Utf8JsonWriter(bytes, JsonOptions);
        var chars = new char[256 * 1024];
        try
        {
            var full = false;
            while (true)
            {
                if (!full)
                {
                    // Blocking this thread only: it is the log's own. False once the queue is completed and empty.
                    if (!reader.TryPeek(out _) && !reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                    if (!_stopping) Thread.Sleep(Coalesce);
                }
                var count = 0;
                bytes.ResetWrittenCount();
                while (count < MaxBatch && reader.TryRead(out var entry))
                {
                    json.Reset(bytes);
                    PacketLine.Write(json, entry);
                    json.Flush();
                    bytes.Write("\n"u8);
                    count++;
                }
                if (count > 0) Flush(bytes.WrittenSpan, count, ref chars);
                full = count == MaxBatch;
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The packet log writer failed; packet lines are no longer written");
            _log.Complete();
            // What is still queued will never be written: count it, so the totals still add up.
            var lost = 0;
            while (reader.TryRead(out _)) lost++;
            _log.Counters.CountDropped(PacketLogDropReason.WriteFailed, lost);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private void Flush(ReadOnlySpan<byte> utf8, int lines, ref char[] chars)
    {
        if (chars.Length < utf8.Length) chars = new char[Math.Max(utf8.Length, chars.Length * 2)];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        try
        {
            // One call for the whole batch: a synchronized writer (Console.Out) writes it without interleaving.
            _output.Write(chars, 0, length);
            _output.Flush();
            _log.Counters.CountWritten(lines);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            _log.Counters.CountDropped(PacketLogDropReason.WriteFailed, lines);
        }
    }

    private void Report(bool final)
    {
        lock (_reportGate)
        {
            var counters = _log.Counters;
            var dropped = counters.Dropped;
            var byReason = Enumerable.Range(0, PacketLogDropReasonNames.Count).Select(r => counters.DroppedBy((PacketLogDropReason)r)).ToArray();
            var window = dropped - _reportedDropped;
            if (window > 0)
            {
                _logger.LogWarning(
                    "Packet log dropped {PacketLogDropped} of its own lines {Window} (queue full {PacketLogDroppedFull}, after stop {PacketLogDroppedStopped}, output failed {PacketLogDroppedWriteFailed}; capacity {PacketLogCapacity}); totals: written {PacketLogWritten}, dropped {PacketLogDroppedTotal}, sampled out {PacketLogSampledOut}",
                    window, final ? "since the last report" : $"in the last {(long)_reportInterval.TotalMilliseconds} ms",
                    byReason[(int)PacketLogDropReason.Full] - _reportedByReason[(int)PacketLogDropReason.Full],
                    byReason[(int)PacketLogDropReason.Stopped] - _reportedByReason[(int)PacketLogDropReason.Stopped],
                    byReason[(int)PacketLogDropReason.WriteFailed] - _reportedByReason[(int)PacketLogDropReason.WriteFailed],
                    _log.Capacity, counters.Written, dropped, counters.SampledOut);
            }
            else if (final)
            {
                _logger.LogInformation("Packet log stopped: written {PacketLogWritten}, dropped {PacketLogDroppedTotal}, sampled out {PacketLogSampledOut}",
                    counters.Written, dropped, counters.SampledOut);
            }
            _reportedDropped = dropped;
            _reportedByReason = byReason;
        }
    }
}

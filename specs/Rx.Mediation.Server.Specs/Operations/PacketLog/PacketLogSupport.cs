using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Engine;
using Rx.Mediation.Events;
using Rx.Mediation.Nodes;
using Rx.Mediation.Operators.Fluent;
using Rx.Mediation.Hosting.Operations.PacketLog;

namespace Rx.Mediation.Server.Specs.Operations.PacketLog;

/// <summary>A node that is both a source (<see cref="Emit(Event)"/>) and a target that records, and can refuse, what it is sent.</summary>
internal sealed class TestNode(string name) : MediationNode(name), IEndpoint
{
    private readonly ConcurrentQueue<Event> _sent = new();

    public Func<Event, bool>? FailWhen { get; set; }

    public IReadOnlyList<Event> Sent => [.. _sent];

    public override void OnNext(Event value)
    {
        if (FailWhen?.Invoke(value) == true) throw new InvalidOperationException($"{Name} refuses {value.Text}");
        _sent.Enqueue(value);
    }

    public Admission Emit(Event value) => Receive(value);

    public Admission Emit(string text, string topic = "t", string? clientId = null) => Receive(Event.FromText(Name, topic, text, clientId: clientId));
}

/// <summary>Holds scheduled work until <see cref="RunAll"/>, so a bridge keeps what it took and can fill up; after <see cref="Release"/> it runs work at once.</summary>
internal sealed class DeferredScheduler : LocalScheduler
{
    private readonly Queue<Action> _work = new();
    private bool _immediate;

    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_work)
        {
            if (!_immediate)
            {
                _work.Enqueue(() => action(this, state));
                return Disposable.Empty;
            }
        }
        return action(this, state);
    }

    public void RunAll()
    {
        while (true)
        {
            Action next;
            lock (_work)
            {
                if (!_work.TryDequeue(out next!)) return;
            }
            next();
        }
    }

    /// <summary>One that runs work at once, on the caller (like ImmediateScheduler, but never sleeping for a due time).</summary>
    public static DeferredScheduler Inline()
    {
        var scheduler = new DeferredScheduler();
        scheduler.Release();
        return scheduler;
    }

    public void Release()
    {
        lock (_work) _immediate = true;
        RunAll();
    }
}

/// <summary>A writer whose <c>Write</c> blocks until released (a stalled stdout), recording what it was given.</summary>
internal sealed class BlockingWriter : TextWriter
{
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly StringBuilder _text = new();
    private int _blockedCalls;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Set once a Write call is waiting at the gate.</summary>
    public bool IsBlocked => Volatile.Read(ref _blockedCalls) > 0;

    public void Release() => _gate.Set();

    public override void Write(char[] buffer, int index, int count)
    {
        Interlocked.Increment(ref _blockedCalls);
        _gate.Wait(TimeSpan.FromSeconds(60));
        lock (_text) _text.Append(buffer, index, count);
    }

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override string ToString()
    {
        lock (_text) return _text.ToString();
    }
}

/// <summary>Captures log entries (level, rendered message and structured values).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        _entries.Enqueue((logLevel, formatter(state, exception), values));
    }
}

internal static class PacketLines
{
    /// <summary>Every field of the documented schema (docs/operations/packet-log.md), in order.</summary>
    public static readonly string[] Fields =
        ["log", "timestamp", "stage", "route", "eventId", "kind", "source", "target", "direction", "topic", "clientId", "payloadBytes", "latencyMs", "reason", "at"];

    /// <summary>Each non-empty line, parsed (a line that is not JSON fails the spec here).</summary>
    public static IReadOnlyList<JsonElement> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    public static string? Text(this JsonElement line, string field) =>
        line.GetProperty(field).ValueKind == JsonValueKind.Null ? null : line.GetProperty(field).GetString();

    public static async Task<MediationEngine> StartAsync(System.Reactive.Concurrency.IScheduler scheduler, Action<RouteTable> build, params IMediationNode[] nodes)
    {
        var engine = new MediationEngine(new EngineOptions { Scheduler = scheduler });
        foreach (var node in nodes) engine.Add(node);
        var routes = new RouteTable();
        build(routes);
        await engine.ApplyRoutesAsync(routes);
        await engine.StartAsync();
        return engine;
    }

    public static PacketLogWriter Writer(PacketLogTap log, TextWriter output, ILogger<PacketLogWriter>? logger = null) =>
        new(log, output, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<PacketLogWriter>.Instance);
}

/// <summary>A synchronized writer to hand to the packet log, whose text can be read while it writes.</summary>
internal sealed class CapturedOutput
{
    private readonly StringWriter _inner = new();

    public CapturedOutput() => Writer = TextWriter.Synchronized(_inner);

    public TextWriter Writer { get; }

    public string Text
    {
        // The synchronized writer locks itself around each call.
        get { lock (Writer) return _inner.ToString(); }
    }

    public IReadOnlyList<JsonElement> Lines => PacketLines.Parse(Text);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Testing;

/// <summary>
/// A logger provider that keeps every formatted line it is given, for specs that assert what an operator would read
/// (<c>b.Web.Logging.AddProvider(log)</c>). The host's level filters still apply.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries => [.. _entries];

    /// <summary>Lines at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<string> Lines(LogLevel level) => [.. _entries.Where(e => e.Level >= level).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

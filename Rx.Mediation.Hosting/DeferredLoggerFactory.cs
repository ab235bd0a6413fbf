using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting;

/// <summary>
/// Endpoints are created while the host is being composed, before its logging exists. They get loggers from this
/// factory, which forward to the host's logger factory once <see cref="Connect"/> is called after the host is built.
/// </summary>
internal sealed class DeferredLoggerFactory : ILoggerFactory
{
    private ILoggerFactory? _target;

    public void Connect(ILoggerFactory target) => _target = target;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("configure logging on the host");

    public void Dispose() { }

    private sealed class DeferredLogger(DeferredLoggerFactory factory, string category) : ILogger
    {
        private ILogger? _inner;

        private ILogger? Inner => _inner ??= factory._target?.CreateLogger(category);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Inner?.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => Inner?.IsEnabled(logLevel) ?? false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Inner?.Log(logLevel, eventId, state, exception, formatter);
    }
}

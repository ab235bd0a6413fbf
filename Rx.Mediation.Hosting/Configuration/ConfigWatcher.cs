using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// Watches the configuration file and reloads it once it has been quiet for the debounce interval: editors write a
/// file in several steps (truncate, write, rename), and only the last state matters. Reloads run one at a time.
/// </summary>
public sealed class ConfigWatcher(ConfigReloader reloader, TimeSpan debounce, IScheduler scheduler, ILogger<ConfigWatcher> logger) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(reloader.Path);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        var changes = Observable.Merge(
            Observable.FromEventPattern<FileSystemEventHandler, FileSystemEventArgs>(h => _watcher.Changed += h, h => _watcher.Changed -= h).Select(_ => 0),
            Observable.FromEventPattern<FileSystemEventHandler, FileSystemEventArgs>(h => _watcher.Created += h, h => _watcher.Created -= h).Select(_ => 0),
            Observable.FromEventPattern<RenamedEventHandler, RenamedEventArgs>(h => _watcher.Renamed += h, h => _watcher.Renamed -= h).Select(_ => 0));
        _subscription = changes
            .Throttle(debounce, scheduler)
            .Select(_ => Observable.FromAsync(Reload))
            .Concat()
            .Subscribe();
        _watcher.EnableRaisingEvents = true;
        logger.LogInformation("Watching configuration {File} (debounce {DebounceMs} ms)", full, (long)debounce.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_watcher is not null) _watcher.EnableRaisingEvents = false;
        _subscription?.Dispose();
        _watcher?.Dispose();
        _subscription = null;
        _watcher = null;
    }

    private async Task Reload()
    {
        try
        {
            await reloader.ReloadAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // One bad reload must not end the watch: the next edit gets its chance.
            logger.LogError(ex, "Reloading configuration {File} failed: {Reason}", reloader.Path, ex.Message);
        }
    }
}

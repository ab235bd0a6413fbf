using Microsoft.Extensions.Hosting;
using Rx.Mediation.Engine;
using Rx.Mediation.Hosting;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// The packet log in the server's lifecycle. Registered before the engine's host, so it attaches to the engine (and to
/// the entrypoints' slow-client drops) before any route runs, and, stopping in reverse order, detaches only once the
/// routes have drained and the engine stopped; then the writer writes what is left and reports.
/// <para>With level off everywhere the tap is not attached at all (a route then pays nothing for it); it is attached
/// and detached as reloaded settings turn it on and off.</para>
/// </summary>
public sealed class PacketLogService(
    PacketLogTap log, PacketLogWriter writer, MediationEngine engine, EntrypointRegistry registry, PacketLogReload reload) : IHostedLifecycleService
{
    private readonly object _gate = new();
    private bool _running;
    private IDisposable? _tap;
    private IDisposable? _entrypointDrops;

    /// <summary>Whether the tap is attached to the engine now.</summary>
    public bool Attached
    {
        get { lock (_gate) return _tap is not null; }
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await writer.StartAsync(cancellationToken);
        _entrypointDrops = registry.Drops.Subscribe(log.OnEntrypointDrop);
        lock (_gate) _running = true;
        log.SettingsChanged += Follow;
        Follow();
        reload.Start();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        reload.Dispose();
        log.SettingsChanged -= Follow;
        lock (_gate)
        {
            _running = false;
            _tap?.Dispose();
            _tap = null;
        }
        _entrypointDrops?.Dispose();
        await writer.StopAsync(cancellationToken);
    }

    private void Follow()
    {
        lock (_gate)
        {
            if (!_running) return;
            var wanted = !log.Settings.IsSilent;
            if (wanted && _tap is null) _tap = engine.Tap(log);
            else if (!wanted && _tap is not null)
            {
                _tap.Dispose();
                _tap = null;
            }
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Rx.Mediation.Connectors;
using Rx.Mediation.Hosting.Configuration;

namespace Rx.Mediation.Hosting.Operations.PacketLog;

/// <summary>
/// Applies changed packet log settings while the server runs: from the YAML file's <c>server: packet-log:</c> once a
/// reload is applied (checked every <see cref="FilePollInterval"/>), or, with no file, from <c>Mediation:PacketLog</c>
/// whenever the configuration reloads (appsettings.json is watched). Level and sampling apply to the next record;
/// capacity and report interval need a restart (a change to them is logged and otherwise ignored). Invalid settings are
/// logged and the running ones kept.
/// </summary>
public sealed class PacketLogReload(PacketLogTap log, IConfiguration configuration, ConfigRuntime? runtime, ILogger<PacketLogReload> logger) : IDisposable
{
    public static readonly TimeSpan FilePollInterval = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private IDisposable? _subscription;
    private ServerConfig? _seen;

    public void Start()
    {
        lock (_gate)
        {
            if (_subscription is not null) return;
            if (runtime is not null)
            {
                _seen = runtime.Active;
                _subscription = new Timer(_ => FollowFile(), null, FilePollInterval, FilePollInterval);
            }
            else
            {
                _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Apply(FromConfiguration, "configuration"));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = null;
        }
    }

    private void FollowFile()
    {
        var active = runtime!.Active;
        if (ReferenceEquals(active, Volatile.Read(ref _seen))) return;
        Volatile.Write(ref _seen, active);
        // A file without the section runs on Mediation:PacketLog (appsettings.json, environment, command line).
        Apply(active.Server.PacketLog is { } fromFile ? () => fromFile : FromConfiguration, active.File);
    }

    private PacketLogOptions FromConfiguration()
    {
        var options = new PacketLogOptions();
        var refused = DurationSettings.Bind(configuration.GetSection(PacketLogOptions.Section), options);
        if (refused.Count > 0) throw new FormatException($"{PacketLogOptions.Section}:{refused[0].Key} {DurationSettings.Problem(refused[0].Value)}");
        return options;
    }

    private void Apply(Func<PacketLogOptions> read, string from)
    {
        lock (_gate)
        {
            if (_subscription is null) return;
            PacketLogSettings next;
            try
            {
                next = PacketLogSettings.From(read());
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                logger.LogError("Packet log settings from {From} refused, keeping {PacketLogSettings}: {Error}", from, log.Settings.ToString(), ex.Message);
                return;
            }
            var current = log.Settings;
            if (next.Capacity != log.Capacity || next.ReportInterval != current.ReportInterval)
            {
                logger.LogWarning("Packet log capacity and report interval are read at start: keeping capacity {PacketLogCapacity} and report interval {ReportInterval} until a restart",
                    log.Capacity, current.ReportInterval);
            }
            if (next.SameFiltering(current)) return;
            // Capacity and interval stay; the new filtering applies from the next record.
            log.Apply(next);
            logger.LogInformation("Packet log settings from {From} applied: {PacketLogSettings}", from, next.ToString());
        }
    }
}

using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Server.Configuration;

/// <summary>What <c>GET /admin/config</c> shows: the active version, when it was loaded, and the last refused change.</summary>
public sealed class ConfigStatus
{
    private readonly object _gate = new();
    private Snapshot _snapshot = new(0, null, null, null, [], null);
    private long _refusals;

    public Snapshot Current
    {
        get { lock (_gate) return _snapshot; }
    }

    public void Loaded(ServerConfig config, DateTimeOffset at)
    {
        lock (_gate) _snapshot = _snapshot with
        {
            Version = _snapshot.Version + 1,
            LoadedAt = at,
            File = config.File,
            Hash = config.Hash,
            Routes = [.. config.Routes.Select(r => r.Name)],
        };
    }

    public void Failed(IReadOnlyList<ConfigError> errors, DateTimeOffset at)
    {
        Interlocked.Increment(ref _refusals);
        lock (_gate) _snapshot = _snapshot with { LastError = new RefusedChange(errors, at) };
    }

    /// <summary>How many changed versions were refused since start (metrics: <c>rx_mediation_config_reloads_total{result="refused"}</c>).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    public sealed record Snapshot(long Version, DateTimeOffset? LoadedAt, string? File, string? Hash, IReadOnlyList<string> Routes, RefusedChange? LastError);

    public sealed record RefusedChange(IReadOnlyList<ConfigError> Errors, DateTimeOffset At);
}

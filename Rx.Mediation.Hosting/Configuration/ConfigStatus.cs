using Rx.Mediation.Operators.Configuration;

namespace Rx.Mediation.Hosting.Configuration;

/// <summary>
/// What <c>GET /admin/config</c> shows: the active version, when it was loaded, the refused change since (cleared
/// when a newer version applies, so an alert on it clears with the fix), and the last few refused changes.
/// </summary>
public sealed class ConfigStatus
{
    /// <summary>How many refused changes <see cref="Snapshot.RecentErrors"/> keeps.</summary>
    public const int RecentErrorCount = 10;

    private readonly object _gate = new();
    private Snapshot _snapshot = new(0, null, null, null, [], null, []);
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
            LastError = null,
        };
    }

    public void Failed(IReadOnlyList<ConfigError> errors, DateTimeOffset at)
    {
        Interlocked.Increment(ref _refusals);
        var refused = new RefusedChange(errors, at);
        lock (_gate) _snapshot = _snapshot with { LastError = refused, RecentErrors = [refused, .. _snapshot.RecentErrors.Take(RecentErrorCount - 1)] };
    }

    /// <summary>How many changed versions were refused since start (metrics: <c>rx_mediation_config_reloads_total{result="refused"}</c>).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <param name="LastError">The change refused since <paramref name="Version"/> was applied, if any.</param>
    /// <param name="RecentErrors">The last <see cref="RecentErrorCount"/> refused changes, newest first, kept across versions.</param>
    public sealed record Snapshot(
        long Version, DateTimeOffset? LoadedAt, string? File, string? Hash, IReadOnlyList<string> Routes, RefusedChange? LastError,
        IReadOnlyList<RefusedChange> RecentErrors);

    public sealed record RefusedChange(IReadOnlyList<ConfigError> Errors, DateTimeOffset At);
}

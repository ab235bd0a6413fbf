namespace Rx.Mediation.Hosting.Configuration;

/// <summary>The <c>server:</c> section: the listener and timings (read at start; a change needs a restart) and the admin endpoint.</summary>
public sealed record ServerSettings
{
    public string? Url { get; init; }

    public TimeSpan? DrainTimeout { get; init; }

    public TimeSpan? ClientCloseTimeout { get; init; }

    public TimeSpan? DropLogInterval { get; init; }

    /// <summary>Whether the admin API (<c>/admin</c>) and the dashboard (<c>/ui</c>) are mapped.</summary>
    public bool AdminEnabled { get; init; } = true;

    /// <summary>With no key: whether the admin API and dashboard answer clients other than loopback ones (see AdminOptions).</summary>
    public bool AdminAllowRemote { get; init; }

    /// <summary>The key remote clients send to reach the admin API and dashboard; null: Mediation:Admin:Key applies (e.g. from the environment).</summary>
    public string? AdminKey { get; init; }

    /// <summary>How long the file must stay unchanged before it is reloaded (editors write in several steps).</summary>
    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary><c>packet-log:</c>, or null when the file has none; unlike the rest of the section it follows reloads.</summary>
    public Operations.PacketLog.PacketLogOptions? PacketLog { get; init; }

    /// <summary><c>security:</c> (allowed-hosts, allowed-origins), or null when the file has none; read at start.</summary>
    public Security.SecurityOptions? Security { get; init; }

    /// <summary><c>metrics:</c> (/metrics and OTLP), or null when the file has none; read at start.</summary>
    public Operations.Metrics.MetricsSettings? Metrics { get; init; }
}

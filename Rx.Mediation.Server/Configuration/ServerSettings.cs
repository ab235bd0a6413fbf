namespace Rx.Mediation.Server.Configuration;

/// <summary>The <c>server:</c> section: the listener and timings (read at start; a change needs a restart) and the admin endpoint.</summary>
public sealed record ServerSettings
{
    public string? Url { get; init; }

    public TimeSpan? DrainTimeout { get; init; }

    public TimeSpan? ClientCloseTimeout { get; init; }

    public TimeSpan? DropLogInterval { get; init; }

    /// <summary>Whether <c>GET /admin/config</c> is mapped.</summary>
    public bool AdminEnabled { get; init; } = true;

    /// <summary>Whether the admin endpoint answers clients other than loopback ones.</summary>
    public bool AdminAllowRemote { get; init; }

    /// <summary>How long the file must stay unchanged before it is reloaded (editors write in several steps).</summary>
    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(250);
}

namespace Rx.Mediation.Hosting.Admin;

/// <summary>
/// <c>Mediation:Admin</c> (or the file's <c>server.admin</c>): the admin API (<c>/admin</c>) and the dashboard (<c>/ui</c>).
/// <para>
/// Access rule: loopback clients are always allowed. Other clients are allowed only when a <see cref="Key"/> is
/// configured and they send it (<c>X-Admin-Key</c>, or <c>Authorization: Bearer</c>; the dashboard also takes
/// <c>?key=</c>), or, with no key configured, when <see cref="AllowRemote"/> explicitly opens them to everyone.
/// </para>
/// </summary>
public sealed class AdminOptions
{
    /// <summary>Shortest key accepted: anything shorter guards nothing.</summary>
    public const int MinKeyLength = 16;

    /// <summary>Whether <c>/admin</c> and <c>/ui</c> are mapped at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The key remote clients must send; null or empty: remote clients are refused (unless <see cref="AllowRemote"/>).</summary>
    public string? Key { get; set; }

    /// <summary>
    /// With no <see cref="Key"/>: answer remote clients without one (only behind something that authenticates them).
    /// With a key it changes nothing: the key is required from remote clients either way.
    /// </summary>
    public bool AllowRemote { get; set; }

    public bool HasKey => !string.IsNullOrEmpty(Key);

    /// <summary>Whether a non-loopback client can ever be let in (a key is configured, or remote access is open).</summary>
    public bool RemotePossible => HasKey || AllowRemote;

    /// <summary>Every problem, each naming its key under <paramref name="section"/>.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (Key is { } key && key.Length > 0 && key.Length < MinKeyLength)
            yield return $"{section}:Key must be at least {MinKeyLength} characters, got {key.Length}";
        if (Key is { } k && k.Length > 0 && k.Trim().Length != k.Length)
            yield return $"{section}:Key must not start or end with white space";
    }
}

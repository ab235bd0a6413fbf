namespace Rx.Mediation.Hosting.Security;

/// <summary>Origins compared as browsers send them: lower-case scheme and host, the port only when not the scheme's default.</summary>
internal static class Origins
{
    /// <summary><c>scheme://host[:port]</c>, normalised; null when <paramref name="origin"/> is not one.</summary>
    public static string? Normalize(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}" : $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}";
    }

    /// <summary>A page served from this machine: the same rule as a loopback listener's URL.</summary>
    public static bool IsLoopback(string normalizedOrigin) => SecurityOptions.IsLoopback(normalizedOrigin);
}

using System.Text;

namespace Rx.Mediation.RabbitMq;

/// <summary>Broker addresses without their secrets: passwords never reach logs, health details or errors.</summary>
public static class RabbitMqAddress
{
    private const string Hidden = "***";

    /// <summary>The address with its password, if any, shown as ***.</summary>
    public static string Mask(Uri address) => MaskText(address.OriginalString);

    /// <summary>
    /// Replaces the password of every <c>scheme://user:password@…</c> in <paramref name="text"/> with ***. The password
    /// is taken to run from the first ':' after "//" to the last '@' before the next white space, so one holding '/',
    /// '@', ':' or '%' (escaped or not) is hidden whole; when that '@' was really in a path, more than the password is
    /// hidden, never less.
    /// </summary>
    public static string MaskText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = new StringBuilder(text.Length);
        var done = 0;
        for (var scheme = text.IndexOf("://", StringComparison.Ordinal); scheme >= 0; scheme = text.IndexOf("://", done, StringComparison.Ordinal))
        {
            var start = scheme + 3;
            var end = start;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            var at = end > start ? text.LastIndexOf('@', end - 1, end - start) : -1;
            var colon = at > start ? text.IndexOf(':', start, at - start) : -1;
            if (colon < 0)
            {
                masked.Append(text, done, start - done);
                done = start;
                continue;
            }
            masked.Append(text, done, colon + 1 - done).Append(Hidden);
            done = at;
        }
        return masked.Append(text, done, text.Length - done).ToString();
    }

    /// <summary>The URI without its password, and the (unescaped) password, or null.</summary>
    public static (Uri Address, string? Password) SplitPassword(Uri uri)
    {
        var userInfo = uri.UserInfo;
        var colon = userInfo.IndexOf(':');
        if (colon < 0) return (uri, null);
        var builder = new UriBuilder(uri) { Password = "" };
        return (builder.Uri, Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }
}

using System.Text.RegularExpressions;

namespace Rx.Mediation.RabbitMq;

/// <summary>Broker addresses without their secrets: passwords never reach logs, health details or errors.</summary>
public static partial class RabbitMqAddress
{
    public static string Mask(Uri address) => MaskText(address.ToString());

    /// <summary>Replaces the password of any user:password@ in <paramref name="text"/> with ***.</summary>
    public static string MaskText(string text) => UserInfoPassword().Replace(text, "${user}:***@");

    /// <summary>The URI without its password, and the (unescaped) password, or null.</summary>
    public static (Uri Address, string? Password) SplitPassword(Uri uri)
    {
        var userInfo = uri.UserInfo;
        var colon = userInfo.IndexOf(':');
        if (colon < 0) return (uri, null);
        var builder = new UriBuilder(uri) { Password = "" };
        return (builder.Uri, Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }

    [GeneratedRegex(@"(?<user>//[^/:@\s]*):[^@/\s]*@")]
    private static partial Regex UserInfoPassword();
}

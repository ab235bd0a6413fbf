using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Rx.Mediation.Hosting;

/// <summary>Turns the configured listener URL into Kestrel listen options (host names other than localhost listen on all interfaces).</summary>
public static class ListenAddress
{
    /// <summary>Why <paramref name="url"/> cannot be listened on, or null when it can.</summary>
    public static string? Problem(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : $"must be an absolute http:// or https:// URL, got '{url}'";

    /// <summary>Why <paramref name="url"/> cannot be an https:// listener, or null when it can.</summary>
    public static string? HttpsProblem(string url) =>
        Problem(url) is null && IsHttps(url) ? null : $"must be an absolute https:// URL, got '{url}'";

    public static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <param name="https">For an https:// URL, what the listener presents and asks of clients (<see cref="ListenerTls"/>).</param>
    public static void Listen(KestrelServerOptions kestrel, string url, int? portOverride = null, Func<HttpsConnectionAdapterOptions>? https = null)
    {
        var uri = new Uri(url);
        var port = portOverride ?? uri.Port;
        var host = uri.Host;
        Action<ListenOptions> tls = https is null ? _ => { } : listen => listen.UseHttps(https());
        if (host is "localhost") kestrel.ListenLocalhost(port, tls);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) kestrel.Listen(address, port, tls);
        else kestrel.ListenAnyIP(port, tls);
    }
}

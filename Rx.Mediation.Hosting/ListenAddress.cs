using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Rx.Mediation.Hosting;

/// <summary>Turns the configured listener URL into Kestrel listen options (host names other than localhost listen on all interfaces).</summary>
public static class ListenAddress
{
    /// <summary>Why <paramref name="url"/> cannot be listened on, or null when it can.</summary>
    public static string? Problem(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : $"must be an absolute http:// or https:// URL, got '{url}'";

    public static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <param name="certificate">For an https:// URL, what the listener presents (<see cref="HttpsCertificate"/>).</param>
    public static void Listen(KestrelServerOptions kestrel, string url, int? portOverride = null, X509Certificate2? certificate = null)
    {
        var uri = new Uri(url);
        var port = portOverride ?? uri.Port;
        var host = uri.Host;
        Action<ListenOptions> tls = certificate is null ? _ => { } : listen => listen.UseHttps(certificate);
        if (host is "localhost") kestrel.ListenLocalhost(port, tls);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) kestrel.Listen(address, port, tls);
        else kestrel.ListenAnyIP(port, tls);
    }
}

using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Rx.Mediation.Server.Hosting;

/// <summary>Turns the configured listener URL into Kestrel listen options (host names other than localhost listen on all interfaces).</summary>
public static class ListenAddress
{
    public static void Listen(KestrelServerOptions kestrel, string url, int? portOverride = null)
    {
        var uri = new Uri(url);
        var port = portOverride ?? uri.Port;
        var host = uri.Host;
        if (host is "localhost") kestrel.ListenLocalhost(port);
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) kestrel.Listen(address, port);
        else kestrel.ListenAnyIP(port);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Rx.Mediation.Dashboard.Specs;

/// <summary>
/// A page on a site of its own: a tiny Kestrel app on a loopback port of its own, serving one page whose script tries
/// the gateway the way a page on another site could (a WebSocket, a fetch POST) and reports what it could and could
/// not do. Chromium reaches it as <see cref="Host"/>, a name that is not loopback's (see <see cref="ChromiumFlags"/>),
/// so its origin is a foreign one to the gateway, not one of the loopback pages the gateway lets open WebSockets.
/// </summary>
public sealed class ForeignOriginPage : IAsyncDisposable
{
    public const string Host = "app.example";

    private const string Html = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>a page on another site</title></head>
        <body>
        <script>
          // Opens a WebSocket; once open, POSTs a body and waits for it to come back over the socket. Resolves with
          // everything that happened, in order, once the socket closes (at once when it never opens).
          window.openAndReceive = (wsUrl, postUrl, body) => new Promise(resolve => {
            const happened = [];
            const socket = new WebSocket(wsUrl);
            socket.onopen = async () => {
              happened.push('open');
              happened.push(await post(postUrl, body));
            };
            socket.onmessage = message => {
              happened.push('message ' + message.data);
              if (message.data.includes(body)) socket.close(); // after the gateway's welcome
            };
            socket.onerror = () => happened.push('error');
            socket.onclose = closed => resolve({ happened, code: closed.code });
          });

          // A plain text POST, which a browser sends without asking first: whether the answer can be read is CORS's call.
          window.post = async (url, body) => {
            try {
              const answer = await fetch(url, { method: 'POST', body });
              return 'answer ' + answer.status + ' ' + await answer.text();
            } catch (error) {
              return 'unreadable ' + error.name;
            }
          };
        </script>
        </body>
        </html>
        """;

    private readonly WebApplication _app;

    private ForeignOriginPage(WebApplication app)
    {
        _app = app;
        Port = new Uri(app.Urls.First()).Port;
    }

    public int Port { get; }

    /// <summary>The page's origin as the browser sends it in <c>Origin</c>.</summary>
    public string Origin => $"http://{Host}:{Port}";

    /// <summary>The page's address for the browser.</summary>
    public string Url => $"{Origin}/";

    /// <summary>
    /// Chromium resolves <see cref="Host"/> to 127.0.0.1 itself (no DNS, no hosts file): the page is served from this
    /// machine, but its origin names another site.
    /// </summary>
    public static string[] ChromiumFlags => [$"--host-resolver-rules=MAP {Host} 127.0.0.1"];

    public static async Task<ForeignOriginPage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));
        await app.StartAsync();
        return new ForeignOriginPage(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Text.Json;
using Rx.Mediation.Hosting.Entrypoints.Http;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Dashboard.Specs;

/// <summary>
/// What a page on another site can do with the gateway in a real browser: headless chromium loads a page from a
/// second web server (<see cref="ForeignOriginPage"/>) and its script tries to open a WebSocket to the gateway and to
/// read the answer to a POST it sends there. The page is served from 127.0.0.1, but as http://app.example:PORT
/// (chromium maps the name to 127.0.0.1 itself): a loopback origin would not do, since the gateway lets loopback pages
/// open WebSockets by default, whereas app.example is a foreign site like any on the internet. Unless the gateway
/// allows that origin, the socket never opens and the POST's answer cannot be read (fetch fails with a TypeError, as
/// CORS has it); allowed, both work, each entrypoint by its own list.
/// </summary>
public sealed class CrossOriginPageSpecs
{
    [BrowserFact]
    public async Task A_page_from_another_site_can_neither_open_a_websocket_nor_read_the_answer_to_a_post()
    {
        await using var page = await ForeignOriginPage.StartAsync();
        await using var server = await RunningServer.StartAsync();
        await using var browser = await OpenAsync(page);

        var socket = await OpenAndReceiveAsync(browser, server, "from the foreign page");
        socket.Happened.ShouldNotContain("open", "the gateway refuses the upgrade (403): the page gets an error and a close, never an open");
        socket.Happened.ShouldContain("error");
        socket.Code.ShouldBe(1006);

        var post = await PostAsync(browser, server, "from the foreign page");
        post.ShouldBe("unreadable TypeError", "the refusal carries no CORS headers, so the page cannot read it");
        server.Entrypoint<HttpPostEntrypoint>().Traffic.Received.ShouldBe(0, "the browser has the refusal: the POST was turned away before the entrypoint");
    }

    [BrowserFact]
    public async Task A_page_from_an_allowed_site_opens_a_websocket_and_reads_the_answer_to_its_post_which_comes_back_over_the_socket()
    {
        await using var page = await ForeignOriginPage.StartAsync();
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:AllowedOrigins:0={page.Origin}"]);
        await using var browser = await OpenAsync(page);

        var socket = await OpenAndReceiveAsync(browser, server, "hello from an allowed page");

        socket.Happened[0].ShouldBe("open");
        socket.Happened.ShouldContain(h => h.StartsWith("answer 202 ", StringComparison.Ordinal) && h.Contains("\"id\""), "the page reads the 202 and its id");
        socket.Happened.ShouldContain(h => h.StartsWith("message ", StringComparison.Ordinal) && h.Contains("hello from an allowed page"));
        socket.Happened.ShouldNotContain("error");
    }

    [BrowserFact]
    public async Task A_page_whose_site_is_allowed_to_post_alone_reads_its_post_answer_but_cannot_open_a_websocket()
    {
        await using var page = await ForeignOriginPage.StartAsync();
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:Origins:http:0={page.Origin}"]);
        await using var browser = await OpenAsync(page);

        var post = await PostAsync(browser, server, "from a dashboard");
        post.ShouldStartWith("answer 202 ");

        var socket = await OpenAndReceiveAsync(browser, server, "never");
        socket.Happened.ShouldNotContain("open", "the origin is listed for the http entrypoint, not for ws");
        socket.Code.ShouldBe(1006);
    }

    private static async Task<HeadlessChromium> OpenAsync(ForeignOriginPage page)
    {
        var browser = await HeadlessChromium.LaunchAsync(ForeignOriginPage.ChromiumFlags);
        try
        {
            var response = await browser.Page.GotoAsync(page.Url);
            response!.Status.ShouldBe(200);
            (await browser.Page.EvaluateAsync<string>("() => location.origin")).ShouldBe(page.Origin);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private static async Task<(List<string> Happened, int Code)> OpenAndReceiveAsync(HeadlessChromium browser, RunningServer server, string body)
    {
        var result = await browser.Page.EvaluateAsync<JsonElement>(
            "([ws, post, body]) => openAndReceive(ws, post, body)",
            new[] { server.WebSocketUri("/ws?topic=t").ToString(), PostUrl(server), body });
        return ([.. result.GetProperty("happened").EnumerateArray().Select(h => h.GetString()!)], result.GetProperty("code").GetInt32());
    }

    private static Task<string> PostAsync(HeadlessChromium browser, RunningServer server, string body) =>
        browser.Page.EvaluateAsync<string>("([url, body]) => post(url, body)", new[] { PostUrl(server), body });

    private static string PostUrl(RunningServer server) => new Uri(server.BaseAddress, "/events?topic=t").ToString();
}

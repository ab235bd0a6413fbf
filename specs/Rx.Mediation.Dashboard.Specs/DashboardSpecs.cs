using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rx.Mediation.Bridging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;
using Xunit.Abstractions;

namespace Rx.Mediation.Dashboard.Specs;

/// <summary>
/// A newcomer's first minutes: the default server, /ui in a real headless chromium, events POSTed as curl would,
/// and the page showing them flow: counters moving, marbles above and below the line. Each spec saves a screenshot
/// under artifacts/dashboard/ at the repository's root.
/// </summary>
public sealed class DashboardSpecs(ITestOutputHelper output)
{
    [BrowserFact]
    public async Task On_the_default_server_the_page_shows_the_routes_and_posted_events_flow_through_them_as_marbles()
    {
        await using var server = await RunningServer.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = browser.Page;

        var response = await page.GotoAsync(new Uri(server.BaseAddress, "/ui").ToString());
        response!.Status.ShouldBe(200);

        // The default routes, each a card with its graph and marble view, and the flow map across them.
        var ingress = page.Locator("[data-route='ingress']");
        var egress = page.Locator("[data-route='egress']");
        await ingress.WaitForAsync();
        await egress.WaitForAsync();
        (await ingress.Locator(".card-name").InnerTextAsync()).ShouldBe("ingress");
        (await ingress.Locator(".graph [data-node='http']").CountAsync()).ShouldBe(1);
        (await ingress.Locator(".graph [data-node='ws']").CountAsync()).ShouldBe(1);
        (await ingress.Locator(".graph [data-node='memory']").CountAsync()).ShouldBe(1);
        (await egress.Locator(".graph [data-node='sse']").CountAsync()).ShouldBe(1);
        (await egress.Locator(".graph [data-node='poll']").CountAsync()).ShouldBe(1);
        (await page.Locator("#flow [data-flow='route:ingress']").CountAsync()).ShouldBe(1);
        (await page.Locator("#flow [data-flow='node:memory']").CountAsync()).ShouldBe(1);
        (await page.Locator("[data-entrypoint='http']").CountAsync()).ShouldBe(1);
        (await page.Locator("[data-endpoint='memory']").CountAsync()).ShouldBe(1);
        await WaitForTextAsync(page, "[data-testid='status']", "live");
        await WaitForTextAsync(page, "[data-route='ingress'] [data-counter='accepted']", "0");
        (await ingress.Locator(".marble").CountAsync()).ShouldBe(0, "nothing flowed yet");

        // A client on the SSE entrypoint shows in its tile.
        await using var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=events"), clientId: "newcomer");
        await WaitForTextAsync(page, "[data-entrypoint='sse'] [data-counter='clients']", "1");

        // Events posted over a few seconds, as a newcomer would with curl.
        const int events = 24;
        var posting = Task.Run(async () =>
        {
            for (var i = 1; i <= events; i++)
            {
                await server.PostAcceptedAsync("events", $"{{\"n\":{i}}}");
                await Task.Delay(100);
            }
        });
        // While they flow: the rate goes above zero, and marbles appear on both lines of both routes.
        await page.WaitForFunctionAsync("() => parseFloat(document.querySelector(\"[data-route='ingress'] [data-counter='in-rate']\").textContent) > 0");
        await page.WaitForFunctionAsync("() => document.querySelectorAll(\"[data-marbles='ingress'] .marble.in\").length > 0 && document.querySelectorAll(\"[data-marbles='ingress'] .marble.out\").length > 0");
        await page.WaitForFunctionAsync("() => document.querySelectorAll(\"[data-marbles='egress'] .marble.in\").length > 0 && document.querySelectorAll(\"[data-marbles='egress'] .marble.out\").length > 0");
        await posting;

        await WaitForTextAsync(page, "[data-route='ingress'] [data-counter='accepted']", events.ToString(CultureInfo.InvariantCulture));
        await WaitForTextAsync(page, "[data-route='ingress'] [data-counter='emitted']", events.ToString(CultureInfo.InvariantCulture));
        await WaitForTextAsync(page, "[data-route='egress'] [data-counter='emitted']", events.ToString(CultureInfo.InvariantCulture));
        var inMarbles = await page.Locator("[data-marbles='ingress'] .marble.in").CountAsync();
        var outMarbles = await page.Locator("[data-marbles='ingress'] .marble.out").CountAsync();
        output.WriteLine($"ingress marbles on screen: {inMarbles} in, {outMarbles} out");
        inMarbles.ShouldBe(events, "one marble per posted event, all within the last 10 s");
        outMarbles.ShouldBe(events);
        // A marble says which event it is.
        var tip = await page.Locator("[data-marbles='ingress'] .marble.in title").First.TextContentAsync();
        tip.ShouldNotBeNull();
        tip.ShouldContain("received");
        tip.ShouldContain("events");
        tip.ShouldContain("{\"n\":");
        (await page.Locator("[data-testid='total-dropped']").InnerTextAsync()).ShouldBe("0");

        var path = HeadlessChromium.ArtifactPath("dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Console.WriteLine($"dashboard screenshot: {path}");
        File.Exists(path).ShouldBeTrue();

        lock (browser.Errors) browser.Errors.ShouldBeEmpty();
    }

    [BrowserFact]
    public async Task Drops_are_marked_on_the_input_line_and_counted_by_reason()
    {
        var blocked = new RecordingNode("blocked", blocked: true);
        await using var server = await RunningServer.StartWithSlowRouteAsync(blocked, new BridgeOptions { Capacity = 2, Overflow = OverflowStrategy.DropNew });
        try
        {
            await using var browser = await HeadlessChromium.LaunchAsync();
            var page = browser.Page;
            await page.GotoAsync(new Uri(server.BaseAddress, "/ui").ToString());
            await page.Locator("[data-route='slow']").WaitForAsync();
            await WaitForTextAsync(page, "[data-testid='status']", "live");

            var refused = 0;
            for (var i = 0; i < 10; i++)
            {
                using var response = await server.PostAsync("events", "e" + i);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) refused++;
            }
            refused.ShouldBeGreaterThan(0);

            await page.WaitForFunctionAsync("() => document.querySelectorAll(\"[data-marbles='slow'] .marble.drop\").length > 0");
            await WaitForTextAsync(page, "[data-route='slow'] [data-counter='dropped']", refused.ToString(CultureInfo.InvariantCulture));
            (await page.Locator("[data-route='slow'] [data-drop='drop-new']").InnerTextAsync()).ShouldBe($"drop-new {refused}");
            // Counters come with the periodic snapshot, marbles with the flow stream: wait for the last crosses too.
            await page.WaitForFunctionAsync($"() => document.querySelectorAll(\"[data-marbles='slow'] .marble.drop\").length >= {refused}");
            (await page.Locator("[data-marbles='slow'] .marble.drop").CountAsync()).ShouldBe(refused);
            (await page.Locator("[data-marbles='slow'] .marble.drop title").First.TextContentAsync())!.ShouldContain("drop-new");

            // Marbles enter at the right edge a moment after their time: let the crosses scroll well into view for the picture.
            await page.WaitForFunctionAsync(
                "() => { const x = document.querySelector(\"[data-marbles='slow'] .marble.drop\").getBoundingClientRect(); const view = document.querySelector(\"[data-marbles='slow'] svg\").getBoundingClientRect(); return x.right < view.right - 60; }");
            var path = HeadlessChromium.ArtifactPath("dashboard-drops.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
            lock (browser.Errors) browser.Errors.ShouldBeEmpty();
        }
        finally
        {
            blocked.Release();
        }
    }

    [BrowserFact]
    public async Task A_remote_viewer_is_asked_for_the_admin_key_and_sees_the_routes_once_it_is_given()
    {
        const string key = "browser-admin-key-0123456789";
        await using var server = await RunningServer.StartAsync([$"--Mediation:Admin:Key={key}"], b => b.Web.Services.AddSingleton<IStartupFilter>(new EveryoneIsRemote()));
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync(new Uri(server.BaseAddress, "/ui").ToString());
        await WaitForTextAsync(page, "[data-testid='status']", "admin key needed");
        (await page.Locator("#key-form").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("[data-route='ingress']").CountAsync()).ShouldBe(0, "no data without the key");

        await page.Locator("#key-input").FillAsync(key);
        await page.Locator("#key-form button").ClickAsync();
        await page.Locator("[data-route='ingress']").WaitForAsync();
        await WaitForTextAsync(page, "[data-testid='status']", "live");
        (await page.Locator("#notice").IsVisibleAsync()).ShouldBeFalse();

        // The refusals before the key was given are the only errors the browser reports.
        lock (browser.Errors) browser.Errors.ShouldAllBe(e => e.Contains("401"));

        // Given in the address instead, the key is used at once and taken out of the address bar.
        await using var second = await HeadlessChromium.LaunchAsync();
        await second.Page.GotoAsync(new Uri(server.BaseAddress, "/ui?key=" + key).ToString());
        await second.Page.Locator("[data-route='ingress']").WaitForAsync();
        await WaitForTextAsync(second.Page, "[data-testid='status']", "live");
        second.Page.Url.ShouldNotContain("key=");
        lock (second.Errors) second.Errors.ShouldBeEmpty();
    }

    /// <summary>Test-only: every request looks as if it came from a remote address (TEST-NET-3, never contacted).</summary>
    private sealed class EveryoneIsRemote : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static async Task WaitForTextAsync(IPage page, string selector, string text)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "([selector, text]) => { const el = document.querySelector(selector); return el !== null && el.textContent.trim() === text; }",
                new object[] { selector, text });
        }
        catch (TimeoutException)
        {
            var actual = await page.Locator(selector).First.TextContentAsync(new LocatorTextContentOptions { Timeout = 1000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "(absent)");
            throw new ShouldAssertException($"'{selector}' never read '{text}' (it reads '{actual}')");
        }
    }
}

using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Routing;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// A page on another site cannot use the visitor's browser against the server: no WebSocket (cross-site WebSocket
/// hijacking), no publishing POST, no reading across origins unless allowed, and no DNS-rebound Host reaching the
/// loopback-only admin API. Real clients over real sockets; the Origin and Host headers are what a browser would send.
/// </summary>
public sealed class BrowserSafetySpecs
{
    private const string Evil = "http://evil.example";

    [Fact]
    public async Task A_websocket_from_another_site_is_refused_with_403()
    {
        await using var server = await RunningServer.StartAsync();

        var status = await WebSocketStatusAsync(server, Evil);

        status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("own")]
    [InlineData("http://localhost:3000")]
    public async Task A_websocket_without_origin_from_the_servers_own_origin_or_from_a_loopback_page_is_accepted(string? origin)
    {
        await using var server = await RunningServer.StartAsync();

        var status = await WebSocketStatusAsync(server, origin == "own" ? $"http://{server.BaseAddress.Authority}" : origin);

        status.ShouldBe(HttpStatusCode.SwitchingProtocols);
    }

    [Fact]
    public async Task A_post_from_another_site_is_refused_and_publishes_nothing()
    {
        var recorder = new RecordingNode("recorder");
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(b =>
        {
            b.Web.Logging.AddProvider(log);
            b.Nodes.Add(recorder);
            b.Routes = [new RouteDefinition { Name = "in", Sources = [new SourceBinding("http")], Targets = [recorder.Name] }];
        });

        using var refused = await PostAsync(server, "t", "from evil", Evil);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("AllowedOrigins");
        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        log.Lines(LogLevel.Warning).ShouldContain(l => l.Contains($"from origin {Evil}", StringComparison.Ordinal));

        // A request after it, from no browser at all, is taken: once it arrived, the refused one would have too.
        (await server.PostAcceptedAsync("t", "marker")).ShouldNotBeNullOrEmpty();
        await Eventually.TrueAsync(() => recorder.Received.Any(e => e.Text == "marker"), "the marker arrived");
        recorder.Received.ShouldNotContain(e => e.Text == "from evil");
    }

    [Fact]
    public async Task An_allowed_origin_may_post_and_read_with_cors_headers_and_its_preflight_is_answered()
    {
        const string app = "https://app.example.com";
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:AllowedOrigins:0=https://APP.example.com:443"]);

        using var posted = await PostAsync(server, "t", "{}", app);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        posted.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([app]);
        posted.Headers.Vary.ShouldContain("Origin");

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/events?topic=t");
        preflight.Headers.Add("Origin", app);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var answer = await server.Http.SendAsync(preflight);
        answer.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        answer.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([app]);
        answer.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("POST");
        answer.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldBe("content-type");

        using var poll = new HttpRequestMessage(HttpMethod.Get, "/poll?topic=t&timeout=0");
        poll.Headers.Add("Origin", app);
        using var read = await server.Http.SendAsync(poll);
        read.IsSuccessStatusCode.ShouldBeTrue();
        read.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([app]);
    }

    [Fact]
    public async Task A_loopback_page_on_another_port_may_open_a_websocket_but_not_post()
    {
        await using var server = await RunningServer.StartAsync();

        using var posted = await PostAsync(server, "t", "x", "http://localhost:3000");

        posted.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "cross-origin POSTs are allowed only for configured origins");
    }

    [Theory]
    [InlineData("/events?topic=t")]
    [InlineData("/admin")]
    [InlineData("/readyz")]
    public async Task A_host_name_the_server_does_not_answer_to_is_refused_so_a_dns_rebound_page_gets_nothing(string path)
    {
        await using var server = await RunningServer.StartAsync();
        using var request = new HttpRequestMessage(path.StartsWith("/events", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path)
        {
            Content = path.StartsWith("/events", StringComparison.Ordinal) ? new StringContent("x") : null,
        };
        request.Headers.Host = $"attacker.example:{server.BaseAddress.Port}";

        using var answer = await server.Http.SendAsync(request);

        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Configured_host_names_replace_the_defaults()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:AllowedHosts:0=gateway.example", "--Mediation:Security:AllowedHosts:1=127.0.0.1"]);

        (await GetWithHostAsync(server, "gateway.example")).ShouldBe(HttpStatusCode.OK);
        (await GetWithHostAsync(server, "127.0.0.1")).ShouldBe(HttpStatusCode.OK);
        (await GetWithHostAsync(server, "localhost")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public void A_server_bound_to_every_address_answers_any_host_name_unless_told_otherwise()
    {
        Rx.Mediation.Hosting.Security.BrowserSafety.AllowedHosts(new(), "http://0.0.0.0:8080").ShouldBe(["*"]);
        Rx.Mediation.Hosting.Security.BrowserSafety.AllowedHosts(new(), "http://127.0.0.1:8080").ShouldBe(["localhost", "127.0.0.1", "[::1]", "127.0.0.1"]);
        Rx.Mediation.Hosting.Security.BrowserSafety.AllowedHosts(new() { AllowedHosts = ["a.example"] }, "http://0.0.0.0:8080").ShouldBe(["a.example"]);
    }

    [Fact]
    public async Task A_malformed_origin_in_the_settings_stops_the_start_naming_it()
    {
        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(["--Mediation:Security:AllowedOrigins:0=app.example.com"]));

        error.Message.ShouldContain("Mediation:Security:AllowedOrigins 'app.example.com' is not an origin");
    }

    private static async Task<HttpStatusCode> WebSocketStatusAsync(RunningServer server, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(server.WebSocketUri("/ws"), CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    private static async Task<HttpResponseMessage> PostAsync(RunningServer server, string topic, string body, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={topic}") { Content = new StringContent(body) };
        request.Headers.Add("Origin", origin);
        return await server.Http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> GetWithHostAsync(RunningServer server, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = $"{host}:{server.BaseAddress.Port}";
        using var answer = await server.Http.SendAsync(request);
        return answer.StatusCode;
    }
}

using System.Net;
using System.Net.WebSockets;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// Allowed origins per web entrypoint (<c>Mediation:Security:Origins:&lt;entrypoint&gt;</c>): an origin listed for one
/// entrypoint reaches that one (with CORS headers where CORS applies) and no other, and an entrypoint's own list
/// replaces the server-wide AllowedOrigins there. Real clients over real sockets, sending the Origin a browser would.
/// </summary>
public sealed class EntrypointOriginsSpecs
{
    private const string App = "https://app.example";
    private static readonly string[] Entrypoints = ["http", "ws", "sse", "poll"];

    [Theory]
    [InlineData("http")]
    [InlineData("ws")]
    [InlineData("sse")]
    [InlineData("poll")]
    public async Task An_origin_listed_for_one_entrypoint_reaches_that_one_and_is_refused_by_every_other(string entrypoint)
    {
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:Origins:{entrypoint}:0={App}"]);

        foreach (var other in Entrypoints)
        {
            var (status, allowOrigin) = await ReachAsync(server, other, App);
            if (other == entrypoint)
            {
                status.ShouldBe(other == "ws" ? HttpStatusCode.SwitchingProtocols : other == "http" ? HttpStatusCode.Accepted : HttpStatusCode.OK, $"{App} is listed for {other}");
                if (other != "ws") allowOrigin.ShouldBe(App, $"{other} answers it with CORS headers");
            }
            else
            {
                status.ShouldBe(HttpStatusCode.Forbidden, $"{App} is listed for {entrypoint}, not for {other}");
                allowOrigin.ShouldBeNull();
            }
        }
    }

    [Fact]
    public async Task An_entrypoints_own_list_replaces_the_server_wide_one_there_and_only_there()
    {
        const string dashboard = "https://dashboard.example";
        await using var server = await RunningServer.StartAsync(
            [$"--Mediation:Security:AllowedOrigins:0={dashboard}", $"--Mediation:Security:Origins:ws:0={App}"]);

        (await ReachAsync(server, "ws", App)).Status.ShouldBe(HttpStatusCode.SwitchingProtocols);
        (await ReachAsync(server, "ws", dashboard)).Status.ShouldBe(HttpStatusCode.Forbidden, "the ws list replaces AllowedOrigins for ws");
        (await ReachAsync(server, "http", dashboard)).Status.ShouldBe(HttpStatusCode.Accepted, "AllowedOrigins still holds for http");
        (await ReachAsync(server, "http", App)).Status.ShouldBe(HttpStatusCode.Forbidden, "the ws list is for ws alone");
    }

    [Fact]
    public async Task A_preflight_is_answered_by_the_list_of_the_entrypoint_it_asks_about()
    {
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:Origins:http:0={App}"]);

        using var toHttp = await PreflightAsync(server, "/events?topic=t", "POST", App);
        toHttp.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        toHttp.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([App]);
        toHttp.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("POST");

        using var toPoll = await PreflightAsync(server, "/poll?topic=t", "GET", App);
        toPoll.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{App} is listed for http only");
        toPoll.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();

        using var fromElsewhere = await PreflightAsync(server, "/events?topic=t", "POST", "https://other.example");
        fromElsewhere.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        fromElsewhere.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task A_refusal_names_the_setting_that_would_let_the_origin_in()
    {
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:Origins:http:0={App}"]);

        using var own = await PostAsync(server, "https://other.example");
        (await own.Content.ReadAsStringAsync()).ShouldContain("Mediation:Security:Origins:http");
        using var poll = await GetAsync(server, "/poll?topic=t&timeout=0", "https://other.example");
        var text = await poll.Content.ReadAsStringAsync();
        text.ShouldContain("Mediation:Security:AllowedOrigins");
        text.ShouldContain("Mediation:Security:Origins:poll");
    }

    [Fact]
    public async Task Entrypoint_names_are_matched_regardless_of_case_as_configuration_keys_are()
    {
        await using var server = await RunningServer.StartAsync([$"--Mediation:Security:Origins:WS:0={App}"]);

        (await ReachAsync(server, "ws", App)).Status.ShouldBe(HttpStatusCode.SwitchingProtocols);
    }

    [Fact]
    public async Task An_unknown_entrypoint_name_stops_the_start_naming_the_key_and_the_entrypoints_there_are()
    {
        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync([$"--Mediation:Security:Origins:websocket:0={App}"]));

        error.Message.ShouldContain("Mediation:Security:Origins:websocket names no web entrypoint: the entrypoints are http, ws, sse, poll");
    }

    [Fact]
    public async Task A_disabled_entrypoint_is_not_one_origins_may_name()
    {
        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(
            ["--Mediation:Poll:Enabled=false", $"--Mediation:Security:Origins:poll:0={App}"]));

        error.Message.ShouldContain("Mediation:Security:Origins:poll names no web entrypoint: the entrypoints are http, ws, sse");
    }

    [Fact]
    public async Task A_malformed_origin_in_an_entrypoints_list_stops_the_start_naming_it()
    {
        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(
            [$"--Mediation:Security:Origins:ws:0={App}", "--Mediation:Security:Origins:ws:1=app.example"]));

        error.Message.ShouldContain("Mediation:Security:Origins:ws:1 'app.example' is not an origin");
    }

    /// <summary>One request from <paramref name="origin"/> to an entrypoint of the default server: its status and its Access-Control-Allow-Origin.</summary>
    private static async Task<(HttpStatusCode Status, string? AllowOrigin)> ReachAsync(RunningServer server, string entrypoint, string origin)
    {
        if (entrypoint == "ws")
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader("Origin", origin);
            try
            {
                await socket.ConnectAsync(server.WebSocketUri("/ws?topic=t"), CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            return (socket.HttpStatusCode, null);
        }
        using var answer = entrypoint switch
        {
            "http" => await PostAsync(server, origin),
            "sse" => await GetAsync(server, "/sse?topic=t", origin),
            _ => await GetAsync(server, "/poll?topic=t&timeout=0", origin),
        };
        return (answer.StatusCode, answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null);
    }

    private static async Task<HttpResponseMessage> PostAsync(RunningServer server, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent("x") };
        request.Headers.Add("Origin", origin);
        return await server.Http.SendAsync(request);
    }

    /// <summary>Headers only: an SSE answer is a stream that does not end.</summary>
    private static async Task<HttpResponseMessage> GetAsync(RunningServer server, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(RunningServer server, string path, string method, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return await server.Http.SendAsync(request);
    }
}

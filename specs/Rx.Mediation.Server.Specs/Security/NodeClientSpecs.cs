using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// The WebSocket entrypoint with Node as the client (node-ws-client.mjs beside this file): Node's built-in WebSocket,
/// an implementation of its own (undici's), connects with an API key and receives what is POSTed; a raw upgrade from
/// node:http shows the status the server answers, 403 for an origin that is not allowed. Needs Node 20.10 or later
/// (eng/install-deps.sh installs nodejs) for the built-in WebSocket.
/// </summary>
public sealed class NodeClientSpecs
{
    private const string Key = "node-client-key-5e8d2c4b1a9f7036";
    private const string App = "https://app.example";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Security", "node-ws-client.mjs");

    private static string[] Secured() =>
    [
        $"--Mediation:Security:ApiKeys:node-client:KeyHash=sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)))}",
        $"--Mediation:Security:Origins:ws:0={App}",
    ];

    [Theory]
    [InlineData(null)]
    [InlineData(App)]
    public async Task A_node_websocket_client_with_an_api_key_receives_what_is_posted(string? origin)
    {
        await using var server = await RunningServer.StartAsync(Secured());
        const string body = "posted for node";

        await using var node = ExternalProcess.Start("node",
            ["--experimental-websocket", Script, "receive", server.WebSocketUri($"/ws?topic=t&access_token={Key}").ToString(), body, .. origin is null ? Array.Empty<string>() : [origin]]);
        (await node.WaitForOutputAsync(l => l.Contains("\"open\""), Eventually.DefaultTimeout)).ShouldBeTrue($"node opened the socket; it printed:\n{node.Output}");

        using var post = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent(body) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        (await server.Http.SendAsync(post)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await node.WaitForExitAsync(Eventually.DefaultTimeout)).ShouldBe(0, $"node received the event and closed; it printed:\n{node.Output}");
        node.Lines.ShouldContain(l => l.Contains("\"message\"") && l.Contains(body));
    }

    [Fact]
    public async Task A_node_websocket_client_sending_a_foreign_origin_never_opens_even_with_a_valid_key()
    {
        await using var server = await RunningServer.StartAsync(Secured());

        var (exit, output) = await ExternalProcess.RunAsync("node",
            ["--experimental-websocket", Script, "receive", server.WebSocketUri($"/ws?topic=t&access_token={Key}").ToString(), "anything", "http://evil.example"],
            Eventually.DefaultTimeout);

        exit.ShouldBe(1, output);
        output.ShouldContain("\"error\"");
        output.ShouldNotContain("\"open\"");
    }

    [Theory]
    [InlineData("http://evil.example", 403)]
    [InlineData("https://dashboard.example", 403)]
    [InlineData(App, 101)]
    public async Task A_raw_upgrade_from_node_is_answered_by_the_websocket_entrypoints_origin_list(string origin, int status)
    {
        await using var server = await RunningServer.StartAsync(
            [.. Secured(), "--Mediation:Security:Origins:http:0=https://dashboard.example"]);

        var (exit, output) = await ExternalProcess.RunAsync("node",
            [Script, "upgrade", new Uri(server.BaseAddress, "/ws?topic=t").ToString(), origin, Key], Eventually.DefaultTimeout);

        exit.ShouldBe(0, output);
        using var answer = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        answer.RootElement.GetProperty("status").GetInt32().ShouldBe(status, output);
        if (status == 403) answer.RootElement.GetProperty("body").GetString()!.ShouldContain("Mediation:Security:Origins:ws");
    }
}

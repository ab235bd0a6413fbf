using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Security.Identity;
using Rx.Mediation.Hosting.Entrypoints.Polling;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// Rights follow edits of the configuration file's <c>server: security: rights</c> without a restart: new requests
/// and messages are judged by the new rights, open subscriptions they no longer cover are closed with the reason, the
/// others keep receiving; an edit with a bad rule is refused at its line and the running rights stay.
/// </summary>
public sealed class LiveRightsSpecs : IDisposable
{
    private const string AnnKey = "ann-key-7c2e9d4b1a6f3805";
    private const string BobKey = "bob-key-3f8a1c6e9b2d4075";

    /// <summary>Readers (ann) and keepers (bob) may both use alerts/# at first; keepers keep it throughout.</summary>
    private const string Before = """
              readers: { publish: [ "alerts/#" ], subscribe: [ "alerts/#", "notes/#" ] }
              keepers: { publish: [ "alerts/#" ], subscribe: [ "alerts/#" ] }
        """;

    /// <summary>Readers move from alerts/# to news/#.</summary>
    private const string After = """
              readers: { publish: [ "news/#" ], subscribe: [ "news/#", "notes/#" ] }
              keepers: { publish: [ "alerts/#" ], subscribe: [ "alerts/#" ] }
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("rx-live-rights-");

    private string File => Path.Combine(_directory.FullName, "config.yaml");

    private static string Config(string rights) => $$"""
        server:
          reload-debounce: 50ms
          security:
            api-keys:
              ann: { key-hash: "{{Hash(AnnKey)}}", roles: [ readers ] }
              bob: { key-hash: "{{Hash(BobKey)}}", roles: [ keepers ] }
            rights:
        {{rights}}
        entrypoints:
          http: { type: http, path: /events }
          ws: { type: websocket, path: /ws }
          sse: { type: sse, path: /sse }
          poll: { type: poll, path: /poll }
        endpoints:
          broker: { type: memory }
        routes:
          - name: in
            from: [http, ws]
            to: broker
          - name: out
            from: broker
            to: [ws, sse, poll]
        """;

    private static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Replaces the file the way editors do: a temporary file renamed over it.</summary>
    private void Edit(string yaml) => Edit(File, yaml);

    private static void Edit(string file, string text)
    {
        System.IO.File.WriteAllText(file + ".tmp", text);
        System.IO.File.Move(file + ".tmp", file, overwrite: true);
    }

    private async Task<RunningServer> StartAsync(CapturedLog? log = null)
    {
        System.IO.File.WriteAllText(File, Config(Before));
        return await RunningServer.StartAsync(["--config", File], b =>
        {
            if (log is not null) b.Web.Logging.AddProvider(log);
        });
    }

    private static async Task<JsonElement> AdminConfigAsync(RunningServer server)
    {
        using var json = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config"));
        return json.RootElement.Clone();
    }

    private static ConfigStatus Status(RunningServer server) => server.App.Services.GetRequiredService<ConfigStatus>();

    /// <summary>Waits for the configuration version the edit makes (its rights are in force once it is announced).</summary>
    private static Task VersionAsync(RunningServer server, long version) =>
        Eventually.TrueAsync(() => Status(server).Current.Version == version, $"configuration version {version} is applied");

    private static async Task<WebSocketClient> WelcomedAsync(RunningServer server, string query)
    {
        var client = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?" + query));
        (await client.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
        return client;
    }

    [Fact]
    public async Task Subscriptions_an_edit_no_longer_allows_are_closed_with_the_reason_and_the_others_keep_receiving()
    {
        var log = new CapturedLog();
        await using var server = await StartAsync(log);
        await using var annWs = await WelcomedAsync(server, $"topic=alerts/%23&access_token={AnnKey}");
        await using var annSse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=alerts/%23&access_token={AnnKey}"));
        annSse.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var bobWs = await WelcomedAsync(server, $"topic=alerts/%23&access_token={BobKey}");
        // A long poll on a topic nothing is posted to: it waits until the edit.
        using var annPollRequest = new HttpRequestMessage(HttpMethod.Get, "/poll?topic=alerts/quiet&timeout=60");
        annPollRequest.Headers.Authorization = new("Bearer", AnnKey);
        var annPoll = server.Http.SendAsync(annPollRequest);
        await Eventually.TrueAsync(() => server.Entrypoint<PollEntrypoint>().Sessions.Count == 1, "the long poll waits");
        (await server.Http.PostAsync("alerts/1", BobKey, "before")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await bobWs.ReceiveTextAsync()).ShouldBe("before");
        (await annWs.ReceiveTextAsync()).ShouldBe("before");
        (await annSse.NextAsync()).Data.ShouldBe("before");

        Edit(Config(After));

        var closed = await annWs.ReceiveAsync();
        closed.Type.ShouldBe(WebSocketMessageType.Close);
        annWs.Socket.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        annWs.Socket.CloseStatusDescription.ShouldBe("'ann' may no longer subscribe to 'alerts/#' at entrypoint 'ws': its rights changed");
        await annSse.Ended.WaitAsync(Eventually.DefaultTimeout);
        annSse.Raw.ShouldContain(": forbidden: 'ann' may no longer subscribe to 'alerts/#' at entrypoint 'sse': its rights changed");
        using var pollAnswer = await annPoll.WaitAsync(Eventually.DefaultTimeout);
        pollAnswer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await pollAnswer.Content.ReadAsStringAsync()).ShouldContain("'ann' may no longer subscribe to 'alerts/quiet' at entrypoint 'poll'");

        (await server.Http.PostAsync("alerts/2", BobKey, "after")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await bobWs.ReceiveTextAsync()).ShouldBe("after", "bob's rights still cover alerts/#: its socket stayed open and lost nothing");
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        foreach (var entrypoint in new[] { "ws", "sse", "poll" })
            metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", entrypoint)).ShouldBe(1, entrypoint);
        await Eventually.TrueAsync(() => log.Lines(LogLevel.Warning).Count(l => l.Contains("Access refused") && l.Contains("ann") && l.Contains("forbidden-revoked")) == 3,
            "each closing was audited");
        (await AdminConfigAsync(server)).GetProperty("version").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task After_an_edit_a_post_now_forbidden_gets_403_and_one_newly_allowed_gets_202()
    {
        await using var server = await StartAsync();
        await using var annWs = await WelcomedAsync(server, $"topic=notes/ann&publishTopic=alerts/from-ws&access_token={AnnKey}");
        (await server.Http.PostAsync("alerts/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await server.Http.PostAsync("news/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        Edit(Config(After));
        await VersionAsync(server, 2);

        using var nowForbidden = await server.Http.PostAsync("alerts/1", AnnKey);
        nowForbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await nowForbidden.Content.ReadAsStringAsync()).ShouldContain("'ann' may not publish 'alerts/1'");
        (await server.Http.PostAsync("news/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await annWs.SendTextAsync("on the socket's publish topic");
        var rejected = await annWs.ReceiveJsonAsync();
        rejected.GetProperty("type").GetString().ShouldBe("rejected");
        rejected.GetProperty("status").GetString().ShouldBe("forbidden");
        await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=alerts/%23&access_token={AnnKey}")));
        await using var news = await WelcomedAsync(server, $"topic=news/%23&access_token={AnnKey}");
    }

    [Fact]
    public async Task A_rights_edit_with_a_bad_filter_is_refused_at_its_line_and_the_running_rights_stay()
    {
        await using var server = await StartAsync();
        await using var annWs = await WelcomedAsync(server, $"topic=alerts/%23&access_token={AnnKey}");
        var broken = Config("""
                  readers: { publish: [ "alerts/#/more" ], subscribe: [ "alerts/#" ] }
                  keepers: { publish: [ "devices/{no such}/#" ], subscribe: [ "alerts/#" ] }
            """);

        Edit(broken);
        await Eventually.TrueAsync(() => Status(server).Current.LastError is not null, "the edit is refused");

        var config = await AdminConfigAsync(server);
        config.GetProperty("version").GetInt64().ShouldBe(1);
        var errors = config.GetProperty("lastError").GetProperty("errors").EnumerateArray().ToList();
        var lines = broken.Split('\n');
        errors.Count.ShouldBe(2);
        errors[0].GetProperty("line").GetInt32().ShouldBe(Array.FindIndex(lines, l => l.Contains("alerts/#/more")) + 1);
        errors[0].GetProperty("message").GetString()!.ShouldContain("server: security: rights: readers: 'publish' 'alerts/#/more' is not a topic filter");
        errors[1].GetProperty("line").GetInt32().ShouldBe(Array.FindIndex(lines, l => l.Contains("{no such}")) + 1);
        errors[1].GetProperty("message").GetString()!.ShouldContain("'devices/{no such}/#' is not a topic filter with {placeholders} (a placeholder is {name}, {client_id} or a claim's name");
        (await server.Http.PostAsync("alerts/1", AnnKey, "still allowed")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await annWs.ReceiveTextAsync()).ShouldBe("still allowed", "the subscription under the running rights stayed open");
    }

    [Fact]
    public async Task An_edit_that_also_changes_the_api_keys_is_refused_until_a_restart_and_its_rights_do_not_apply()
    {
        await using var server = await StartAsync();
        var edited = Config(After).Replace(Hash(BobKey), Hash("bob-key-rotated-0a1b2c3d4e5f"));

        Edit(edited);
        await Eventually.TrueAsync(() => Status(server).Current.LastError is not null, "the edit is refused");

        var error = (await AdminConfigAsync(server)).GetProperty("lastError");
        error.GetProperty("message").GetString()!.ShouldContain("the 'server' section changed: it is read at start only; restart the server to apply it");
        error.GetProperty("message").GetString()!.ShouldNotContain(Hash(BobKey)[7..], Case.Insensitive);
        (await server.Http.PostAsync("alerts/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted, "the rights of the refused edit are not in force");
        (await server.Http.PostAsync("news/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Rights_from_a_json_settings_file_follow_its_edits_and_bad_ones_are_logged_by_key_while_the_running_ones_stay()
    {
        // A JSON file that reloads, as appsettings.json does; it is added last, so its rights are the ones bound.
        var json = Path.Combine(_directory.FullName, "rights.json");
        static string Rights(string publish) => $$"""{ "Mediation": { "Security": { "Rights": { "readers": { "Publish": [ "{{publish}}" ] } } } } }""";
        System.IO.File.WriteAllText(json, Rights("alerts/#"));
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(
            [.. SpecCredentials.ApiKey("ann", AnnKey, "readers"), "--Mediation:Security:Rights:readers:Publish:0=alerts/#"],
            b =>
            {
                b.Web.Configuration.AddJsonFile(json, optional: false, reloadOnChange: true);
                b.Web.Logging.AddProvider(log);
            });
        var access = server.App.Services.GetRequiredService<CallerAccess>();
        (await server.Http.PostAsync("alerts/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        Edit(json, Rights("news/#"));
        await Eventually.TrueAsync(() => access.Rights.Generation == 1, "the edited rights are applied");

        (await server.Http.PostAsync("alerts/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.Http.PostAsync("news/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        Edit(json, Rights("news/#/more"));
        await Eventually.TrueAsync(() => log.Lines(LogLevel.Error).Any(l => l.Contains("Rights refused")), "the bad rights are refused");

        log.Lines(LogLevel.Error).ShouldContain(l => l.Contains("Mediation:Security:Rights:readers:Publish:0 'news/#/more' is not a topic filter"));
        access.Rights.Generation.ShouldBe(1);
        (await server.Http.PostAsync("news/1", AnnKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted, "the running rights stayed in force");
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the directory for a moment; the temp folder is cleaned by the OS.
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Config.Specs;

/// <summary>
/// The configuration file's <c>server:</c> section is the <c>Mediation:</c> options tree in kebab case, one source among
/// appsettings, the environment and the command line: every setting is available in the file, bound and validated
/// once, later sources win, and a refusal is given at the file's line when the value is the file's.
/// </summary>
public sealed class OneConfigurationSpecs
{
    private const string Key = "device-key-3c1f9e0a7b5d2468";
    private static readonly string KeyHash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
    private static readonly IReadOnlyCollection<string> Types = ["memory"];

    private const string Routes = """
        entrypoints:
          webhook: { type: http, path: /events }
          poll: { type: poll, path: /poll }
        endpoints:
          bus: { type: memory }
        routes:
          - { name: in, from: webhook, to: bus }
          - { name: out, from: bus, to: poll }
        """;

    [Fact]
    public async Task The_file_and_the_command_line_feed_one_options_tree_and_the_command_line_wins()
    {
        using var files = new ConfigFiles($$"""
            server:
              drain-timeout: 3s
              client-close-timeout: 4s
              security:
                allowed-origins: [ https://app.example.com ]
            {{Routes}}
            """);

        await using var server = await files.StartAsync(["--Mediation:DrainTimeout=00:00:07"]);
        var options = server.App.Services.GetRequiredService<MediationOptions>();

        options.DrainTimeout.ShouldBe(TimeSpan.FromSeconds(7), "the command line wins over the file");
        options.ClientCloseTimeout.ShouldBe(TimeSpan.FromSeconds(4), "the file wins over appsettings");
        options.Security.AllowedOrigins.ShouldBe(["https://app.example.com"]);
    }

    [Fact]
    public async Task Api_keys_and_topic_rights_declared_in_the_file_are_enforced()
    {
        using var files = new ConfigFiles($$"""
            server:
              security:
                api-keys:
                  sensor-1: { key-hash: '{{KeyHash}}', roles: [ devices ] }
                rights:
                  devices: { publish: [ 'devices/{name}/#' ], subscribe: [ 'devices/{name}/#' ] }
            {{Routes}}
            """);
        await using var server = await files.StartAsync();

        (await server.Http.PostAsync("/events?topic=devices/sensor-1/t", new StringContent("x"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Post(server, "devices/sensor-1/t")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await Post(server, "devices/sensor-2/t")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("server:\n  security:\n    api-keys:\n      x: { key-hash: not-a-hash }\nroutes: []\n", 4, 22, "server: security: api-keys: x: 'key-hash' must be 'sha256:'")]
    [InlineData("server:\n  security:\n    rights:\n      devices: { publish: [ 'devices/{name' ] }\nroutes: []\n", 4, 29, "'devices/{name' is not a topic filter")]
    [InlineData("server:\n  security:\n    jwt: { issuer: https://i.example, signing-keys: [ MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= ] }\nroutes: []\n", 3, 10, "server: security: jwt: 'audience' is required")]
    [InlineData("server:\n  security:\n    max-connections: lots\nroutes: []\n", 3, 22, "server: security: 'max-connections' must be a whole number, got 'lots'")]
    [InlineData("server:\n  reload-debounce: soon\nroutes: []\n", 2, 20, "server: 'reload-debounce' must be a duration")]
    [InlineData("entrypoints:\n  feed: { type: sse, path: /sse }\nserver:\n  security: { origins: { fed: [ https://app.example ] } }\nroutes: []\n", 4, 31, "server: security: origins: 'fed' names no web entrypoint: the entrypoints are feed")]
    [InlineData("entrypoints:\n  feed: { type: sse, path: /sse }\nserver:\n  security: { origins: { feed: [ app.example ] } }\nroutes: []\n", 4, 34, "server: security: origins: 'feed' 'app.example' is not an origin")]
    public void A_bad_setting_in_the_server_section_is_refused_at_its_line_naming_it_as_written(string yaml, int line, int column, string message) =>
        ServerConfigErrors.ShouldRefuseAt(yaml, line, column, message);

    [Fact]
    public async Task Origins_per_entrypoint_name_the_files_entrypoints_and_hold_for_those_alone()
    {
        const string app = "https://app.example";
        using var files = new ConfigFiles($$"""
            server:
              security:
                origins: { webhook: [ {{app}} ] }
            {{Routes}}
            """);
        await using var server = await files.StartAsync();

        using var post = new HttpRequestMessage(HttpMethod.Post, "/events?topic=t") { Content = new StringContent("x") };
        post.Headers.Add("Origin", app);
        using var posted = await server.Http.SendAsync(post);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        posted.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([app]);
        using var poll = new HttpRequestMessage(HttpMethod.Get, "/poll?topic=t&timeout=0");
        poll.Headers.Add("Origin", app);
        (await server.Http.SendAsync(poll)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the origin is listed for webhook alone");

        var fromCommandLine = await Should.ThrowAsync<SettingsException>(() => files.StartAsync([$"--Mediation:Security:Origins:http:0={app}"]));
        fromCommandLine.Message.ShouldContain("Mediation:Security:Origins:http names no web entrypoint: the entrypoints are webhook, poll",
            customMessage: "with a file, the entrypoints are the file's");
    }

    [Fact]
    public void Every_setting_of_the_options_tree_is_a_key_of_the_server_section()
    {
        var (config, errors) = ServerConfigReader.Parse("""
            server:
              security:
                max-connections: 20
                claim-headers: [ tenant ]
                jwt: { issuer: https://i.example, audience: gw, signing-keys: [ MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= ], clock-skew: 5s }
              metrics: { require-admin-key: true }
              admin: { allow-remote: true }
            routes: []
            """, "c.yaml", Types);

        errors.ShouldBeEmpty();
        var options = config!.Server.Options;
        options.Security.MaxConnections.ShouldBe(20);
        options.Security.ClaimHeaders.ShouldBe(["tenant"]);
        options.Security.Jwt.ClockSkew.ShouldBe(TimeSpan.FromSeconds(5));
        options.Metrics.RequireAdminKey.ShouldBeTrue();
        options.Admin.AllowRemote.ShouldBeTrue();
        config.Server.Keys.Values["Mediation:Security:Jwt:Audience"].ShouldBe("gw");
    }

    [Fact]
    public void Sections_the_file_writes_elsewhere_are_not_keys_of_the_server_section()
    {
        ServerConfigErrors.ShouldRefuseAt("server:\n  http: { max-body-bytes: 10 }\nroutes: []\n", 2, 3, "unknown key 'http'");
    }

    [Fact]
    public async Task A_value_from_the_file_is_refused_at_its_line_and_one_from_the_command_line_by_its_key()
    {
        using var files = new ConfigFiles($"server:\n  admin: {{ key: long-enough-admin-key-42 }}\n{Routes}\n");

        var fromCommandLine = await Should.ThrowAsync<SettingsException>(() => files.StartAsync(["--Mediation:Admin:Key=short"]));
        fromCommandLine.Message.ShouldContain("Mediation:Admin:Key must be at least 16 characters, got 5");
        fromCommandLine.Message.ShouldNotContain("config.yaml");

        files.Write($"server:\n  url: http://0.0.0.0:0\n{Routes}\n");
        var fromFile = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(["--config", files.Path, "--Mediation:Url=http://0.0.0.0:0"]));
        fromFile.Message.ShouldContain("config.yaml:2:8: server: 'url' listens on 0.0.0.0, beyond loopback",
            customMessage: "protected mode is checked on the settings of every source together, and the value is the file's (the command line only repeats it)");
    }

    private static Task<HttpResponseMessage> Post(RunningServer server, string topic)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={topic}") { Content = new StringContent("x") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return server.Http.SendAsync(request);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Hosting.Configuration;
using Rx.Mediation.Hosting.Endpoints;

namespace Rx.Mediation.Config.Specs;

/// <summary>The file's <c>server.admin</c> section: the admin API and dashboard from a configuration file.</summary>
public sealed class AdminConfigSpecs
{
    private static readonly IReadOnlyCollection<string> Types = ServerConfigErrors.Types;
    private const string Key = "file-admin-key-0123456789";

    private static string Config(string admin) => $$"""
        server:
          admin: {{admin}}
        entrypoints:
          webhook: { type: http, path: /events }
          feed: { type: sse, path: /sse }
        endpoints:
          broker: { type: memory }
        routes:
          - name: in
            from: webhook
            to: broker
          - name: out
            from: broker
            pipeline:
              - where: "topic == 'events'"
            to: feed

        """;

    [Theory]
    [InlineData("server:\n  admin: { key: short }\nroutes: []\n", 2, 17, "'key' must be at least 16 characters, got 5")]
    [InlineData("server:\n  admin: { key: \" padded-admin-key-0123 \" }\nroutes: []\n", 2, 17, "must not start or end with white space")]
    [InlineData("server:\n  admin: { token: abc }\nroutes: []\n", 2, 12, "unknown key 'token'")]
    [InlineData("server:\n  admin: { allow-remote: maybe }\nroutes: []\n", 2, 26, "must be true or false")]
    [InlineData("entrypoints:\n  w: { type: http, path: /ui }\nroutes: []\n", 2, 26, "'/ui' is the server's own")]
    [InlineData("entrypoints:\n  w: { type: sse, path: /ui/feed }\nroutes: []\n", 2, 25, "everything under /admin/ and /ui/")]
    [InlineData("entrypoints:\n  w: { type: http, path: /admin/hook }\nroutes: []\n", 2, 26, "'/admin/hook' is the server's own")]
    [InlineData("server:\n  security: { allowed-origins: [ app.example.com ] }\nroutes: []\n", 2, 32, "security: 'allowed-origins' 'app.example.com' is not an origin")]
    [InlineData("server:\n  security: { allowed-hosts: [ 'a b' ] }\nroutes: []\n", 2, 30, "security: 'allowed-hosts' 'a b' is not a host name")]
    [InlineData("server:\n  security: { origin: [] }\nroutes: []\n", 2, 15, "unknown key 'origin'")]
    public void Admin_settings_and_reserved_paths_are_validated_with_positions(string yaml, int line, int column, string message) =>
        ServerConfigErrors.ShouldRefuseAt(yaml, line, column, message);

    [Fact]
    public void The_security_section_is_read()
    {
        var (config, errors) = ServerConfigReader.Parse(
            "server:\n  security:\n    allowed-hosts: [ gateway.example ]\n    allowed-origins: [ https://app.example.com ]\n    allow-anonymous: true\nroutes: []\n", "c.yaml", Types);
        errors.ShouldBeEmpty();
        config!.Server.Options.Security.AllowedHosts.ShouldBe(["gateway.example"]);
        config.Server.Options.Security.AllowedOrigins.ShouldBe(["https://app.example.com"]);
        config.Server.Options.Security.AllowAnonymous.ShouldBeTrue();
    }

    [Fact]
    public void The_admin_section_is_read_key_included()
    {
        var (config, errors) = ServerConfigReader.Parse(Config($"{{ enabled: true, allow-remote: true, key: {Key} }}"), "c.yaml", Types);
        errors.ShouldBeEmpty();
        config!.Server.Options.Admin.Enabled.ShouldBeTrue();
        config.Server.Options.Admin.AllowRemote.ShouldBeTrue();
        config.Server.Options.Admin.Key.ShouldBe(Key);
    }

    [Fact]
    public async Task From_a_file_the_admin_API_shows_its_routes_and_version_and_the_files_key_guards_remote_clients()
    {
        using var files = new ConfigFiles(Config($"{{ key: {Key} }}"));
        await using var server = await files.StartAsync(b => b.Web.Services.AddSingleton<IStartupFilter>(new RemoteForHeader()));

        using (var index = JsonDocument.Parse(await server.Http.GetStringAsync("/admin")))
        {
            var config = index.RootElement.GetProperty("config");
            config.GetProperty("source").GetString().ShouldBe("file");
            config.GetProperty("version").GetInt64().ShouldBe(1);
        }
        using (var routes = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/routes")))
        {
            var byName = routes.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
            byName.Keys.ShouldBe(["in", "out"], ignoreOrder: true);
            byName["out"].GetProperty("operators").EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("where");
        }
        using (var config = JsonDocument.Parse(await server.Http.GetStringAsync("/admin/config")))
            config.RootElement.GetProperty("file").GetString().ShouldBe(files.Path);

        using var refused = new HttpRequestMessage(HttpMethod.Get, "/admin/config");
        refused.Headers.Add(RemoteForHeader.Header, "198.51.100.4");
        (await server.Http.SendAsync(refused)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/admin/config");
        allowed.Headers.Add(RemoteForHeader.Header, "198.51.100.4");
        allowed.Headers.Add(AdminAccess.KeyHeader, Key);
        (await server.Http.SendAsync(allowed)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabled_in_the_file_neither_the_admin_API_nor_the_dashboard_is_there()
    {
        using var files = new ConfigFiles(Config("{ enabled: false }"));
        await using var server = await files.StartAsync();
        (await server.Http.GetAsync("/admin/config")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/ui")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>Test-only: requests carrying the header look as if they came from that (documentation, never contacted) address.</summary>
    private sealed class RemoteForHeader : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var address)) context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

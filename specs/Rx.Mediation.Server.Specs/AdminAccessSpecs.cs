using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Rx.Mediation.Hosting.Admin;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs;

/// <summary>
/// Who may read /admin and /ui: loopback clients always; remote ones only with the configured key. The real server
/// listens on loopback only here, so a remote client is simulated: a startup filter (test code, first in the pipeline)
/// sets the connection's remote address from a test header, exactly the value the access rule reads.
/// </summary>
public sealed class AdminAccessSpecs
{
    private const string Key = "s3cret-admin-key-0123456789";
    private const string RemoteHeader = "X-Test-Remote-Address";
    // TEST-NET-3 (RFC 5737): a documentation address, never contacted; only written into the connection feature.
    private const string Remote = "203.0.113.7";

    [Fact]
    public async Task Loopback_clients_are_allowed_without_a_key()
    {
        await using var server = await StartAsync();
        (await server.Http.GetAsync("/admin/routes")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Http.GetAsync("/ui")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_key_configured_a_remote_client_is_refused_403_with_a_json_reason()
    {
        await using var server = await StartAsync();
        foreach (var path in new[] { "/admin", "/admin/routes", "/admin/entrypoints", "/admin/endpoints", "/admin/config", "/ui", "/ui/app.js", "/ui/stream" })
        {
            using var response = await SendAsync(server, path, Remote);
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            json.RootElement.GetProperty("error").GetString().ShouldBe("remote-refused", path);
            json.RootElement.GetProperty("message").GetString()!.ShouldContain("loopback");
        }
        // Even a key is refused when none is configured: there is nothing to compare it with.
        using var withKey = await SendAsync(server, "/admin", Remote, request => request.Headers.Add(AdminAccess.KeyHeader, Key));
        withKey.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task With_a_key_configured_a_remote_client_needs_it_401_otherwise()
    {
        await using var server = await StartAsync([$"--Mediation:Admin:Key={Key}"]);

        using (var none = await SendAsync(server, "/admin/routes", Remote))
        {
            none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
            using var json = JsonDocument.Parse(await none.Content.ReadAsStringAsync());
            json.RootElement.GetProperty("error").GetString().ShouldBe("admin-key-required");
        }
        using (var wrong = await SendAsync(server, "/admin/routes", Remote, r => r.Headers.Add(AdminAccess.KeyHeader, Key + "x")))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            using var json = JsonDocument.Parse(await wrong.Content.ReadAsStringAsync());
            json.RootElement.GetProperty("error").GetString().ShouldBe("admin-key-invalid");
        }
        using (var header = await SendAsync(server, "/admin/routes", Remote, r => r.Headers.Add(AdminAccess.KeyHeader, Key)))
            header.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var bearer = await SendAsync(server, "/admin/routes", Remote, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key)))
            bearer.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The admin API takes the key in headers only (a query string ends up in logs and histories)...
        using (var query = await SendAsync(server, "/admin/routes?key=" + Key, Remote))
            query.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // ... the dashboard's stream also as ?key=, since a browser's EventSource cannot send headers.
        using (var stream = await SendAsync(server, "/ui/stream?key=" + Uri.EscapeDataString(Key), Remote, completion: HttpCompletionOption.ResponseHeadersRead))
        {
            stream.StatusCode.ShouldBe(HttpStatusCode.OK);
            stream.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        }
        using (var streamWithout = await SendAsync(server, "/ui/stream", Remote))
            streamWithout.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // The page itself is served, so that it can ask for the key.
        using (var page = await SendAsync(server, "/ui", Remote))
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Loopback still needs none.
        (await server.Http.GetAsync("/admin/routes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Allow_remote_without_a_key_opens_the_admin_API_to_every_client()
    {
        await using var server = await StartAsync(["--Mediation:Admin:AllowRemote=true"]);
        using var response = await SendAsync(server, "/admin/routes", Remote);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData(null, true)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::ffff:203.0.113.7", false)]
    [InlineData("2001:db8::1", false)]
    public void Loopback_is_any_loopback_address_including_mapped_ones_and_no_peer_at_all(string? address, bool local)
    {
        AdminAccess.IsLocal(address is null ? null : IPAddress.Parse(address)).ShouldBe(local);
    }

    [Fact]
    public void The_key_is_checked_from_either_header_and_the_query_only_where_asked()
    {
        var access = new AdminAccess(new AdminOptions { Key = Key });
        AccessDecision Check(Action<HttpRequest> arrange, bool query = false)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(Remote);
            arrange(context.Request);
            return access.Check(context, query);
        }

        Check(r => r.Headers[AdminAccess.KeyHeader] = Key).IsAllowed.ShouldBeTrue();
        Check(r => r.Headers.Authorization = "Bearer " + Key).IsAllowed.ShouldBeTrue();
        Check(r => r.Headers.Authorization = "bearer " + Key).IsAllowed.ShouldBeTrue();
        Check(r => r.Headers.Authorization = "Basic " + Key).Error.ShouldBe("admin-key-required");
        Check(r => r.Headers[AdminAccess.KeyHeader] = Key[..^1]).Error.ShouldBe("admin-key-invalid");
        Check(r => r.Headers[AdminAccess.KeyHeader] = Key + Key).Error.ShouldBe("admin-key-invalid");
        Check(r => r.QueryString = new QueryString("?key=" + Key)).Error.ShouldBe("admin-key-required");
        Check(r => r.QueryString = new QueryString("?key=" + Key), query: true).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public async Task Readyz_tells_an_anonymous_remote_caller_the_status_only_and_an_admin_every_node()
    {
        await using var server = await StartAsync(["--Mediation:Admin:Key=" + Key, "--Mediation:Endpoints:gone:Type=mqtt5", "--Mediation:Endpoints:gone:Host=127.0.0.1",
            $"--Mediation:Endpoints:gone:Port={FreePort.Next()}"]);

        using var anonymous = await SendAsync(server, "/readyz", Remote);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "the status is for everyone: a load balancer's probe reads it");
        var text = await anonymous.Content.ReadAsStringAsync();
        text.ShouldContain("not-ready");
        text.ShouldNotContain("gone");
        text.ShouldNotContain("127.0.0.1");

        using var admin = await SendAsync(server, "/readyz", Remote, r => r.Headers.Add(AdminAccess.KeyHeader, Key));
        admin.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await admin.Content.ReadAsStringAsync()).ShouldContain("\"gone\"");

        using var local = await server.Http.GetAsync("/readyz");
        (await local.Content.ReadAsStringAsync()).ShouldContain("\"gone\"", customMessage: "loopback callers see the details, as they see the admin API");
    }

    private static Task<RunningServer> StartAsync(string[]? settings = null) =>
        RunningServer.StartAsync(settings ?? [], b => b.Web.Services.AddSingleton<IStartupFilter>(new SimulatedRemoteAddress()));

    private static async Task<HttpResponseMessage> SendAsync(
        RunningServer server, string path, string remote, Action<HttpRequestMessage>? arrange = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(RemoteHeader, remote);
        arrange?.Invoke(request);
        return await server.Http.SendAsync(request, completion);
    }

    /// <summary>Test-only: the first middleware makes the request look as if it came from the address in the test header.</summary>
    private sealed class SimulatedRemoteAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteHeader, out var address)) context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

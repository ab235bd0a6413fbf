using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// Identity and topic rights at every entrypoint, with real clients over real sockets: API keys (configured as hashes)
/// and JWTs (signed here with a key the server is given), from the Authorization header, the query or a cookie; 401
/// without a valid credential, 403 (or a rejected notice) outside the caller's rights, and the publisher's name on
/// every event it sends.
/// </summary>
public sealed class IdentitySpecs
{
    private const string SensorKey = "sensor-key-7f3c9a1e5b2d4f60";
    private const string OperatorKey = "operator-key-0a9b8c7d6e5f4321";

    /// <summary>The identity specs' secured server (<see cref="SecuredSettings"/>), with the <c>tenant</c> claim as a header.</summary>
    private static string[] Secured(params string[] more) =>
        SecuredSettings.SensorsOperatorsAndUsers(SensorKey, OperatorKey, ["--Mediation:Security:ClaimHeaders:0=tenant", .. more]);

    /// <summary>A JWT with the <c>tenant</c> claim, which <see cref="Secured"/> makes a header of every event its principal sends.</summary>
    private static string Jwt(string subject, DateTime? expires = null, string issuer = SpecCredentials.Issuer, byte[]? key = null) =>
        SpecCredentials.Jwt(subject, key: key, expires: expires, issuer: issuer, claims: [new Claim("tenant", "acme")]);

    private static async Task<HttpResponseMessage> PostAsync(RunningServer server, string topic, string? credential, string body = "x", params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/events?topic={Uri.EscapeDataString(topic)}") { Content = new StringContent(body) };
        if (credential is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await server.Http.SendAsync(request);
    }

    /// <summary>What the operator reads from the poll buffer on <paramref name="filter"/>: each event's topic and headers.</summary>
    private static async Task<List<(string Topic, JsonElement Headers)>> PolledAsync(RunningServer server, string filter)
    {
        var text = await server.Http.GetStringAsync($"/poll?topic={Uri.EscapeDataString(filter)}&timeout=5&access_token={OperatorKey}");
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("topic").GetString()!, i.GetProperty("headers").Clone()))];
    }

    [Fact]
    public async Task Without_a_credential_every_entrypoint_answers_401_and_counts_it()
    {
        // A WebSocket may otherwise send its credential as its first message (FirstMessageCredentialSpecs).
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Security:WebSocketAuthTimeout=0s"));

        using var post = await PostAsync(server, "devices/sensor-1/t", null);
        post.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        post.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
        (await post.Content.ReadAsStringAsync()).ShouldContain("a credential is required");
        (await server.Http.GetAsync("/poll?topic=alerts/x")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await using (var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=alerts/x"), read: false))
            sse.Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var upgrade = await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/x")));
        upgrade.Message.ShouldContain("401");

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "unauthenticated"), ("entrypoint", "http")).ShouldBe(1);
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "unauthenticated"), ("entrypoint", "sse")).ShouldBe(1);
    }

    [Theory]
    [InlineData("not-a-known-key")]
    [InlineData("sensor-key-7f3c9a1e5b2d4f6")] // one character short of a real key
    public async Task An_unknown_api_key_is_refused_with_401(string key)
    {
        await using var server = await RunningServer.StartAsync(Secured());

        using var post = await PostAsync(server, "devices/sensor-1/t", key);

        post.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await post.Content.ReadAsStringAsync()).ShouldContain("the credential was refused");
    }

    [Fact]
    public async Task An_api_key_client_publishes_within_its_rights_and_its_name_travels_with_the_event()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={OperatorKey}"));
        reader.Response.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var accepted = await PostAsync(server, "devices/sensor-1/temp", SensorKey, "21.5");
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var outside = await PostAsync(server, "devices/sensor-2/temp", SensorKey, "99");
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await outside.Content.ReadAsStringAsync()).ShouldContain("'sensor-1' may not publish 'devices/sensor-2/temp'");

        (await reader.NextAsync()).Event.ShouldBe("devices/sensor-1/temp");
        var (topic, headers) = (await PolledAsync(server, "#")).Single();
        topic.ShouldBe("devices/sensor-1/temp");
        headers.GetProperty("principal").GetString().ShouldBe("sensor-1");
    }

    [Fact]
    public async Task A_client_cannot_forge_the_principal_header()
    {
        await using var server = await RunningServer.StartAsync(Secured());

        using var forged = await PostAsync(server, "devices/sensor-1/t", SensorKey, "x", ("X-Header-principal", "ops"));
        using var forgedClaim = await PostAsync(server, "devices/sensor-1/t", SensorKey, "x", ("X-Header-principal-tenant", "other"));

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.Content.ReadAsStringAsync()).ShouldContain("reserved");
        forgedClaim.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_subscription_wider_than_the_rights_is_refused_not_narrowed_on_sse_poll_and_websocket()
    {
        await using var server = await RunningServer.StartAsync(Secured());

        await using (var wide = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={SensorKey}"), read: false))
        {
            wide.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await wide.Response.Content.ReadAsStringAsync()).ShouldContain("may not subscribe to '#'");
        }
        await using (var own = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=alerts/sensor-1/%2B&access_token={SensorKey}"), read: false))
            own.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Http.GetAsync($"/poll?topic=alerts/%23&access_token={SensorKey}&timeout=0")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.Http.GetAsync($"/poll?topic=alerts/sensor-1/%23&access_token={SensorKey}&timeout=0")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var upgrade = await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=alerts/sensor-2&access_token={SensorKey}")));
        upgrade.Message.ShouldContain("403");

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", "sse")).ShouldBe(1);
    }

    [Fact]
    public async Task A_websocket_message_outside_the_rights_gets_the_forbidden_notice_and_is_not_published()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=devices/%23&access_token={OperatorKey}"));
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=alerts/sensor-1/%23&envelope=true&access_token={SensorKey}"));
        (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await socket.SendTextAsync("""{"topic":"devices/sensor-2/t","payload":"not mine"}""");
        var notice = await socket.ReceiveJsonAsync();
        notice.GetProperty("status").GetString().ShouldBe("forbidden");
        notice.GetProperty("reason").GetString()!.ShouldContain("may not publish 'devices/sensor-2/t'");

        await socket.SendTextAsync("""{"topic":"devices/sensor-1/t","payload":"mine"}""");
        (await reader.NextAsync()).Event.ShouldBe("devices/sensor-1/t", "the refused message never reached the reader; the allowed one did");
        var (topic, headers) = (await PolledAsync(server, "devices/#")).Single();
        topic.ShouldBe("devices/sensor-1/t");
        headers.GetProperty("principal").GetString().ShouldBe("sensor-1");
    }

    [Fact]
    public async Task A_jwt_from_the_header_or_a_cookie_is_a_principal_whose_sub_fills_its_rights_and_chosen_claims_become_headers()
    {
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Security:CredentialCookie=rxm_token"));

        (await PostAsync(server, "users/alice/notes", Jwt("alice"), "hello")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PostAsync(server, "users/bob/notes", Jwt("alice"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var request = new HttpRequestMessage(HttpMethod.Get, "/poll?topic=users/bob/%23&timeout=0");
        request.Headers.Add("Cookie", $"rxm_token={Jwt("bob")}");
        (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (topic, headers) = (await PolledAsync(server, "#")).Single();
        topic.ShouldBe("users/alice/notes");
        headers.GetProperty("principal").GetString().ShouldBe("alice");
        headers.GetProperty("principal-tenant").GetString().ShouldBe("acme");
    }

    [Fact]
    public async Task An_expired_token_one_from_another_issuer_and_one_signed_with_another_key_are_refused()
    {
        await using var server = await RunningServer.StartAsync(Secured());

        (await PostAsync(server, "users/alice/t", Jwt("alice", expires: DateTime.UtcNow.AddMinutes(-5)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(server, "users/alice/t", Jwt("alice", issuer: "https://other.example"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(server, "users/alice/t", Jwt("alice", key: RandomNumberGenerator.GetBytes(32)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(server, "users/alice/t", Jwt("alice"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_claim_holding_a_wildcard_or_a_separator_grants_nothing()
    {
        await using var server = await RunningServer.StartAsync(Secured());

        // With {sub} = "#", "users/{sub}/#" would otherwise read "users/#/#"; with "a/b", another user's subtree.
        (await server.Http.GetAsync($"/poll?topic=users/%23&timeout=0&access_token={Jwt("#")}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(server, "users/a/b/t", Jwt("a/b"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_callers_let_in_have_the_anonymous_rights_only()
    {
        await using var server = await RunningServer.StartAsync(Secured(
            "--Mediation:Security:AllowAnonymous=true", "--Mediation:Security:Rights:anonymous:Subscribe:0=public/#"));

        (await server.Http.GetAsync("/poll?topic=public/news&timeout=0")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Http.GetAsync("/poll?topic=alerts/x&timeout=0")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(server, "public/news", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(server, "public/news", "wrong-key")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a bad credential is not downgraded to anonymous");
    }

    [Fact]
    public async Task With_authentication_configured_the_server_may_listen_beyond_loopback()
    {
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Url=http://0.0.0.0:0"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.BaseAddress.Port}") };

        (await http.PostAsync("/events?topic=devices/sensor-1/t", new StringContent("x"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_credential_in_the_query_never_reaches_a_log_line_and_refusals_are_audited_without_it()
    {
        var log = new CapturedLog();
        await using var server = await TracedServer.StartAsync(log, Secured());

        await using (var sse = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={SensorKey}"), read: false))
            sse.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var token = Jwt("alice", key: RandomNumberGenerator.GetBytes(32));
        var signature = token.Split('.')[2];
        (await server.Http.GetAsync($"/poll?topic=x&timeout=0&access_token={token}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        await Eventually.TrueAsync(() => log.Lines(LogLevel.Trace).Any(l => l.Contains("Access refused") && l.Contains("sensor-1")), "the refusal was audited");
        var lines = log.Lines(LogLevel.Trace);
        lines.ShouldNotContain(l => l.Contains(SensorKey) || l.Contains(signature));
    }

    [Theory]
    [InlineData("--Mediation:Security:ApiKeys:x:KeyHash=plain-key-by-mistake", "Mediation:Security:ApiKeys:x:KeyHash must be 'sha256:'")]
    [InlineData("--Mediation:Security:Jwt:Issuer=https://i.example", "Mediation:Security:Jwt:Audience is required")]
    [InlineData("--Mediation:Security:Rights:devices:Publish:0=devices/{name", "Mediation:Security:Rights:devices:Publish:0 'devices/{name' is not a topic filter")]
    public async Task A_bad_security_setting_stops_the_start_naming_it(string setting, string expected)
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync([setting]));

        error.Message.ShouldContain(expected);
        error.Message.ShouldNotContain("plain-key-by-mistake");
    }
}

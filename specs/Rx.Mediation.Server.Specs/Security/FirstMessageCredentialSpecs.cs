using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting.Security;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// Browsers cannot set headers on a WebSocket: one opened without a credential may send it as its first message,
/// <c>{"type":"auth","token":"…"}</c>, and then is that principal, with its rights. No such message in time, another
/// message, or a refused credential: closed with 1008 and the reason. The token never reaches a log line.
/// </summary>
public sealed class FirstMessageCredentialSpecs
{
    private const string SensorKey = "sensor-key-1a2b3c4d5e6f7a8b";
    private const string OperatorKey = "operator-key-8b7a6f5e4d3c2b1a";

    private static string[] Secured(params string[] more) => SecuredSettings.SensorsOperatorsAndUsers(SensorKey, OperatorKey, more);

    private static string Auth(string token) => JsonSerializer.Serialize(new { type = "auth", token });

    /// <summary>Waits for the server's close frame: its status and reason.</summary>
    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> ClosedAsync(WebSocketClient socket)
    {
        var (type, _) = await socket.ReceiveAsync();
        type.ShouldBe(WebSocketMessageType.Close);
        return (socket.Socket.CloseStatus, socket.Socket.CloseStatusDescription);
    }

    [Theory]
    [InlineData("api-key")]
    [InlineData("jwt")]
    public async Task A_socket_without_a_credential_that_sends_a_valid_one_first_is_that_principal_with_its_rights(string kind)
    {
        await using var server = await RunningServer.StartAsync(Secured());
        var (token, principal, mine, theirs, inbox) = kind == "api-key"
            ? (SensorKey, "sensor-1", "devices/sensor-1/t", "devices/sensor-2/t", "alerts/sensor-1/%23")
            : (SpecCredentials.Jwt("alice"), "alice", "users/alice/t", "users/bob/t", "users/alice/%23");
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={OperatorKey}"));
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic={inbox}&envelope=true"));

        await socket.SendTextAsync(Auth(token));
        var notice = await socket.ReceiveJsonAsync();
        notice.GetProperty("type").GetString().ShouldBe("authenticated");
        notice.GetProperty("principal").GetString().ShouldBe(principal);
        (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await socket.SendTextAsync(JsonSerializer.Serialize(new { topic = theirs, payload = "not mine" }));
        var refused = await socket.ReceiveJsonAsync();
        refused.GetProperty("status").GetString().ShouldBe("forbidden");
        await socket.SendTextAsync(JsonSerializer.Serialize(new { topic = mine, payload = "mine" }));
        (await reader.NextAsync()).Event.ShouldBe(mine, "the message outside the rights was not published; the one within was");
    }

    [Fact]
    public async Task A_refused_credential_in_the_first_message_closes_the_socket_with_1008_and_is_counted()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/sensor-1/t"));

        await socket.SendTextAsync(Auth(SpecCredentials.Jwt("alice", key: RandomNumberGenerator.GetBytes(32))));
        var (status, reason) = await ClosedAsync(socket);

        status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        reason.ShouldBe("the credential was refused");
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "unauthenticated"), ("entrypoint", "ws")).ShouldBe(1);
    }

    [Fact]
    public async Task A_socket_that_sends_no_credential_in_time_is_closed_with_1008()
    {
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Security:WebSocketAuthTimeout=500ms"));
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/sensor-1/t"));

        var (status, reason) = await ClosedAsync(socket);

        status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        reason.ShouldBe("""no auth message {"type":"auth","token":"…"} within 0.5 s""");
    }

    [Fact]
    public async Task A_first_message_that_is_not_the_auth_message_closes_the_socket_and_is_not_published()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={OperatorKey}"));
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=devices/sensor-1/t"));

        await socket.SendTextAsync("devices/sensor-1/t payload sent before any credential");
        var (status, reason) = await ClosedAsync(socket);
        (await server.Http.PostAsync("devices/sensor-1/after", SensorKey)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        reason!.ShouldContain("the first message must be the auth message");
        (await reader.NextAsync()).Event.ShouldBe("devices/sensor-1/after", "the message sent without a credential was never published");
    }

    [Fact]
    public async Task A_subscription_outside_the_rights_of_the_first_message_principal_closes_the_socket_with_1008_and_frees_its_connection()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        var connections = server.App.Services.GetRequiredService<ConnectionLimiter>();
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=%23"));
        connections.Open.ShouldBe(1, "a socket yet to say who it is holds a connection");

        await socket.SendTextAsync(Auth(SensorKey));
        var (status, reason) = await ClosedAsync(socket);

        status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        reason.ShouldBe("'sensor-1' may not subscribe to '#' at entrypoint 'ws'");
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", "ws")).ShouldBe(1);
        await Eventually.TrueAsync(() => connections.Open == 0, "the refused socket's connection was let go");
    }

    [Fact]
    public async Task An_auth_message_on_a_socket_that_brought_its_credential_at_the_upgrade_is_not_published()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var reader = await SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=%23&access_token={OperatorKey}"));
        await using var socket = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=alerts/sensor-1/t&publishTopic=devices/sensor-1/t&access_token={SensorKey}"));
        (await socket.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        await socket.SendTextAsync(Auth(SensorKey));
        var notice = await socket.ReceiveJsonAsync();
        await socket.SendTextAsync("a reading");

        notice.GetProperty("type").GetString().ShouldBe("error");
        notice.GetProperty("reason").GetString()!.ShouldContain("the auth message was not published");
        (await reader.NextAsync()).Data.ShouldBe("a reading", "the auth message, sent first, never reached the reader");
    }

    [Fact]
    public async Task The_credential_of_the_first_message_never_reaches_a_log_line()
    {
        var log = new CapturedLog();
        await using var server = await TracedServer.StartAsync(log, Secured());
        var refusedToken = SpecCredentials.Jwt("alice", key: RandomNumberGenerator.GetBytes(32));

        await using (var accepted = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/sensor-1/t")))
        {
            await accepted.SendTextAsync(Auth(SensorKey));
            (await accepted.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("authenticated");
            await accepted.CloseAsync();
        }
        await using (var refused = await WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/sensor-1/t")))
        {
            await refused.SendTextAsync(Auth(refusedToken));
            (await ClosedAsync(refused)).Status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        }

        await Eventually.TrueAsync(() => log.Lines(LogLevel.Trace).Any(l => l.Contains("Access refused") && l.Contains("bad-credential")), "the refusal was audited");
        log.Lines(LogLevel.Trace).ShouldNotContain(l => l.Contains(SensorKey) || l.Contains(refusedToken.Split('.')[2]));
    }

    [Fact]
    public async Task With_the_first_message_credential_off_an_upgrade_without_one_is_answered_401()
    {
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Security:WebSocketAuthTimeout=0s"));

        var upgrade = await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri("/ws?topic=alerts/sensor-1/t")));

        upgrade.Message.ShouldContain("401");
    }

    [Fact]
    public async Task An_auth_timeout_that_is_not_a_duration_stops_the_start_naming_the_setting()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(Secured("--Mediation:Security:WebSocketAuthTimeout=5")));

        error.Message.ShouldContain("Mediation:Security:WebSocketAuthTimeout must be a duration with a unit");
    }
}

using System.Net;
using Microsoft.Extensions.Logging;
using Rx.Mediation.Hosting;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Routing;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// <c>X-Client-Id</c> on a POST sends the event straight to that client, past its topic filters, where a route goes
/// from the POST entrypoint to a streaming one. With callers authenticated, a principal may address its own clients
/// and those an <c>Address</c> right covers; an addressed event still reaches its client only within what the client's
/// principal may read.
/// </summary>
public sealed class AddressingRightsSpecs
{
    private const string App1Key = "app-1-key-5d1c0e9f7a3b2c48";
    private const string App2Key = "app-2-key-9e8d7c6b5a493827";
    private const string DispatchKey = "dispatch-key-0f1e2d3c4b5a6978";

    /// <summary>Two apps that each read their own inbox, and a dispatcher that may address every desk-* client.</summary>
    private static string[] Secured(params string[] more) =>
    [
        .. SpecCredentials.ApiKey("app-1", App1Key, "apps"),
        .. SpecCredentials.ApiKey("app-2", App2Key, "apps"),
        .. SpecCredentials.ApiKey("dispatch", DispatchKey, "dispatchers"),
        "--Mediation:Security:Rights:*:Publish:0=#",
        "--Mediation:Security:Rights:*:Subscribe:0=inbox/{name}/#",
        "--Mediation:Security:Rights:dispatchers:Address:0=desk-*",
        .. more,
    ];

    /// <summary>POSTed events go straight to the SSE and WebSocket clients, client id and all: no broker in between.</summary>
    private static void Direct(MediationServerBuilder b) =>
        b.Routes = [new RouteDefinition { Name = "direct", Sources = [new SourceBinding("http")], Targets = ["sse", "ws"] }];

    private static Uri Sse(RunningServer server, string key, string topic) =>
        new(server.BaseAddress, $"/sse?topic={Uri.EscapeDataString(topic)}&access_token={key}");

    [Fact]
    public async Task A_principal_may_address_its_own_client_and_another_principal_is_refused_403_counted_and_audited()
    {
        var log = new CapturedLog();
        await using var server = await RunningServer.StartAsync(Secured(), b =>
        {
            Direct(b);
            b.Web.Logging.AddProvider(log);
        });
        await using var phone = await SseClient.ConnectAsync(Sse(server, App1Key, "inbox/app-1/#"), clientId: "phone");
        phone.Response.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var foreign = await server.Http.PostAsync("inbox/app-1/note", App2Key, "from app-2", clientId: "phone");
        using var own = await server.Http.PostAsync("inbox/app-1/note", App1Key, "from app-1", clientId: "phone");

        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await foreign.Content.ReadAsStringAsync()).ShouldContain("'app-2' may not address client 'phone'");
        own.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await phone.NextAsync()).Data.ShouldBe("from app-1");
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", "http")).ShouldBe(1);
        await Eventually.TrueAsync(() => log.Lines(LogLevel.Warning).Any(l => l.Contains("Access refused") && l.Contains("app-2") && l.Contains("forbidden-address")),
            "the refusal was audited");
    }

    [Fact]
    public async Task An_address_right_reaches_the_clients_its_pattern_covers_and_no_others()
    {
        await using var server = await RunningServer.StartAsync(Secured(), Direct);
        await using var desk = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=inbox/app-1/%23&access_token={App1Key}"), clientId: "desk-7");
        (await desk.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");
        await using var phone = await SseClient.ConnectAsync(Sse(server, App1Key, "inbox/app-1/#"), clientId: "phone");

        using var covered = await server.Http.PostAsync("inbox/app-1/task", DispatchKey, "task 1", clientId: "desk-7");
        using var uncovered = await server.Http.PostAsync("inbox/app-1/task", DispatchKey, "task 2", clientId: "phone");

        covered.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        uncovered.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await uncovered.Content.ReadAsStringAsync()).ShouldContain("may not address client 'phone'");
        (await desk.ReceiveTextAsync()).ShouldBe("task 1");
    }

    [Fact]
    public async Task An_addressed_event_skips_the_clients_topic_filter_but_not_its_principals_subscribe_rights()
    {
        await using var server = await RunningServer.StartAsync(Secured(), Direct);
        await using var desk = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=inbox/app-1/desk&access_token={App1Key}"), clientId: "desk-7");
        (await desk.ReceiveJsonAsync()).GetProperty("type").GetString().ShouldBe("welcome");

        (await server.Http.PostAsync("inbox/app-2/private", DispatchKey, "outside app-1's rights", clientId: "desk-7")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await server.Http.PostAsync("inbox/app-1/other", DispatchKey, "outside the filter, within the rights", clientId: "desk-7")).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await desk.ReceiveTextAsync()).ShouldBe("outside the filter, within the rights", "the event on app-2's topic, sent first, never reached app-1's client");
    }

    [Fact]
    public async Task Without_authentication_any_caller_may_address_any_client_as_before()
    {
        await using var server = await RunningServer.StartAsync(Direct);
        await using var phone = await SseClient.ConnectAsync(new Uri(server.BaseAddress, "/sse?topic=other"), clientId: "phone");

        using var addressed = await server.Http.PostAsync("news", null, "for the phone", clientId: "phone");

        addressed.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await phone.NextAsync()).Data.ShouldBe("for the phone");
    }

    [Fact]
    public async Task A_bad_address_pattern_stops_the_start_naming_it()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(Secured("--Mediation:Security:Rights:apps:Address:0=desk-{name")));

        error.Message.ShouldContain("Mediation:Security:Rights:apps:Address:0 'desk-{name' is not a client-id pattern");
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Rx.Mediation.Hosting.Entrypoints;
using Rx.Mediation.Hosting.Entrypoints.ServerSentEvents;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>
/// A client id addresses events straight to its client: one the server hands out cannot be guessed or counted to, and
/// with callers authenticated, one a principal holds cannot be taken by another.
/// </summary>
public sealed partial class ClientIdSpecs
{
    private const string AliceKey = "alice-key-3c2b1a0f9e8d7c6b";
    private const string BobKey = "bob-key-6b5a4f3e2d1c0b9a";

    private static string[] Secured(params string[] more) =>
        [.. SpecCredentials.ApiKey("alice", AliceKey, "people"), .. SpecCredentials.ApiKey("bob", BobKey, "people"), .. more];

    private static Task<SseClient> StreamAsync(RunningServer server, string key, string? clientId) =>
        SseClient.ConnectAsync(new Uri(server.BaseAddress, $"/sse?topic=t&access_token={key}"), read: false, clientId: clientId);

    [Fact]
    public void A_generated_client_id_carries_128_random_bits()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ClientQuery.NewClientId()).ToList();

        ids.ShouldAllBe(id => RandomId().IsMatch(id));
        ids.Distinct().Count().ShouldBe(ids.Count);
        // Consecutive ids share no prefix beyond chance: nothing counts up.
        ids.Zip(ids.Skip(1)).Count(p => p.First[..6] == p.Second[..6]).ShouldBeLessThan(5);
    }

    [Fact]
    public async Task An_sse_client_that_gives_no_id_is_told_a_random_one()
    {
        await using var server = await RunningServer.StartAsync();
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);

        var first = await ClientIdOfAsync(server, timeout.Token);
        var second = await ClientIdOfAsync(server, timeout.Token);

        first.ShouldMatch(RandomId().ToString());
        second.ShouldMatch(RandomId().ToString());
        first.ShouldNotBe(second);
    }

    [Fact]
    public async Task An_id_held_by_one_principal_is_refused_to_another_with_403_and_its_owner_comes_back_to_it()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        var sse = server.Entrypoint<SseEntrypoint>();

        await using (var alice = await StreamAsync(server, AliceKey, "phone"))
        {
            alice.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            await using (var bob = await StreamAsync(server, BobKey, "phone"))
            {
                bob.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
                (await bob.Response.Content.ReadAsStringAsync()).ShouldContain("client id 'phone' is held by another principal");
            }
            var upgrade = await Should.ThrowAsync<WebSocketException>(() => WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=t&access_token={BobKey}"), "phone"));
            upgrade.Message.ShouldContain("403");
            await using var aliceElsewhere = await WebSocketClient.ConnectAsync(server.WebSocketUri($"/ws?topic=t&access_token={AliceKey}"), "phone");
            (await aliceElsewhere.ReceiveJsonAsync()).GetProperty("clientId").GetString().ShouldBe("phone", "the owner uses its id on every entrypoint");
        }
        await Eventually.TrueAsync(() => sse.Clients.Count == 0, "alice's stream has ended");

        await using (var bobMeanwhile = await StreamAsync(server, BobKey, "phone"))
            bobMeanwhile.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the id stays alice's for a while after she left");
        await using var aliceAgain = await StreamAsync(server, AliceKey, "phone");
        aliceAgain.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", "sse")).ShouldBe(2);
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "forbidden"), ("entrypoint", "ws")).ShouldBe(1);
    }

    [Fact]
    public async Task An_id_the_server_chose_is_held_for_its_principal_too()
    {
        await using var server = await RunningServer.StartAsync(Secured());
        await using var alice = await StreamAsync(server, AliceKey, null);
        var chosen = alice.Response.Headers.GetValues(ClientQuery.ClientIdHeader).Single();

        await using var bob = await StreamAsync(server, BobKey, chosen);

        bob.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Once_its_hold_has_passed_a_released_id_may_be_taken_by_another_principal()
    {
        await using var server = await RunningServer.StartAsync(Secured("--Mediation:Security:ClientIdHold=0s"));
        var sse = server.Entrypoint<SseEntrypoint>();
        await using (var alice = await StreamAsync(server, AliceKey, "phone"))
            alice.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.TrueAsync(() => sse.Clients.Count == 0, "alice's stream has ended");

        await using var bob = await StreamAsync(server, BobKey, "phone");

        bob.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_hold_that_is_not_a_duration_stops_the_start_naming_the_setting()
    {
        var error = await Should.ThrowAsync<Rx.Mediation.Hosting.Options.SettingsException>(() => RunningServer.StartAsync(Secured("--Mediation:Security:ClientIdHold=10")));

        error.Message.ShouldContain("Mediation:Security:ClientIdHold must be a duration with a unit");
    }

    private static async Task<string> ClientIdOfAsync(RunningServer server, CancellationToken cancellationToken)
    {
        using var response = await server.Http.GetAsync("/sse?topic=t", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues(ClientQuery.ClientIdHeader).Single();
    }

    [GeneratedRegex("^c-[0-9a-f]{32}$")]
    private static partial Regex RandomId();
}

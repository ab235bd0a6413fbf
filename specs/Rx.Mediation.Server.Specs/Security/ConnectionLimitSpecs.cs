using System.Net;
using Rx.Mediation.Hosting.Security;
using Rx.Mediation.Testing;

using Rx.Mediation.Server.Specs.Support;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>One client cannot take every streaming connection: per address and in total, the next one gets 503, counted.</summary>
public sealed class ConnectionLimitSpecs
{
    [Fact]
    public async Task Past_its_share_a_client_address_gets_503_with_retry_after_until_one_of_its_streams_closes()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:MaxConnectionsPerAddress=2"]);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);

        var first = await OpenSseAsync(server, timeout.Token);
        var second = await OpenSseAsync(server, timeout.Token);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var third = await OpenSseAsync(server, timeout.Token))
        {
            third.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            third.Headers.RetryAfter.ShouldNotBeNull();
            (await third.Content.ReadAsStringAsync(timeout.Token)).ShouldContain("MaxConnectionsPerAddress");
        }
        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            socket.Options.CollectHttpResponseDetails = true;
            await Should.ThrowAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri("/ws"), timeout.Token));
            socket.HttpStatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "WebSocket and SSE streams share the bound");
        }

        // The server learns that a stream closed when the connection ends: until then the address is still at its share.
        var refused = 2;
        first.Dispose();
        await Eventually.TrueAsync(() =>
        {
            using var again = OpenSseAsync(server, CancellationToken.None).GetAwaiter().GetResult();
            if (again.StatusCode == HttpStatusCode.ServiceUnavailable) refused++;
            return again.StatusCode == HttpStatusCode.OK;
        }, "a stream is accepted again once one closed");
        second.Dispose();

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_connections_refused_total", ("reason", "max-connections-per-address")).ShouldBe(refused, "every 503 is counted");
        metrics.Value("rx_mediation_connections_refused_total", ("reason", "max-connections")).ShouldBe(0);
    }

    [Fact]
    public void The_total_bound_holds_across_addresses_and_a_closed_lease_gives_its_room_back()
    {
        var limiter = new ConnectionLimiter(maxTotal: 3, maxPerAddress: 2);

        var a1 = limiter.TryOpen("10.0.0.1", out _).ShouldNotBeNull();
        limiter.TryOpen("10.0.0.1", out _).ShouldNotBeNull();
        limiter.TryOpen("10.0.0.1", out var perAddress).ShouldBeNull();
        perAddress.ShouldNotBeNull().ShouldContain("MaxConnectionsPerAddress");
        limiter.TryOpen("10.0.0.2", out _).ShouldNotBeNull();
        limiter.TryOpen("10.0.0.3", out var total).ShouldBeNull();
        total.ShouldNotBeNull().ShouldContain("MaxConnections");

        a1.Dispose();
        a1.Dispose();
        limiter.Open.ShouldBe(2, "a lease released twice gives its room back once");
        limiter.TryOpen("10.0.0.3", out _).ShouldNotBeNull();
        limiter.Refused.ShouldBe((1L, 1L, 0L));
    }

    [Fact]
    public async Task Past_its_share_a_principal_gets_503_naming_it_while_another_principal_from_the_same_address_gets_in()
    {
        const string sensorOne = "sensor-one-key-31c7e2a9d4";
        const string sensorTwo = "sensor-two-key-6b0f8d5e12";
        await using var server = await RunningServer.StartAsync(
        [
            .. SpecCredentials.ApiKey("sensor-1", sensorOne, "devices"),
            .. SpecCredentials.ApiKey("sensor-2", sensorTwo, "devices"),
            "--Mediation:Security:Rights:devices:Subscribe:0=t",
            "--Mediation:Security:MaxConnectionsPerPrincipal=2",
        ]);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);

        using var first = await OpenSseAsync(server, sensorOne, timeout.Token);
        using var second = await OpenSseAsync(server, sensorOne, timeout.Token);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var third = await OpenSseAsync(server, sensorOne, timeout.Token))
        {
            third.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            third.Headers.RetryAfter.ShouldNotBeNull();
            var reason = await third.Content.ReadAsStringAsync(timeout.Token);
            reason.ShouldContain("'sensor-1'");
            reason.ShouldContain("MaxConnectionsPerPrincipal");
            reason.ShouldNotContain(sensorOne);
        }
        using (var other = await OpenSseAsync(server, sensorTwo, timeout.Token))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.OK, "sensor-2 has a share of its own, though it connects from the same address");
        }

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_connections_refused_total", ("reason", "max-connections-per-principal")).ShouldBe(1);
        metrics.Value("rx_mediation_connections_refused_total", ("reason", "max-connections-per-address")).ShouldBe(0);
    }

    private static Task<HttpResponseMessage> OpenSseAsync(RunningServer server, string key, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/sse?topic=t");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static Task<HttpResponseMessage> OpenSseAsync(RunningServer server, CancellationToken cancellationToken) =>
        server.Http.GetAsync("/sse?topic=t", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}

using System.Net;
using Rx.Mediation.Hosting.Options;
using Rx.Mediation.Server.Specs.Support;
using Rx.Mediation.Testing;

namespace Rx.Mediation.Server.Specs.Security;

/// <summary>With a rate set, one address cannot POST faster: past its burst, 429 with Retry-After, counted, and room again later.</summary>
public sealed class PostRateSpecs
{
    [Fact]
    public async Task Past_its_burst_an_address_gets_429_with_retry_after_and_is_let_in_again_as_the_bucket_refills()
    {
        await using var server = await RunningServer.StartAsync(["--Mediation:Security:PostsPerSecondPerAddress=2", "--Mediation:Security:PostBurstPerAddress=3"]);

        var refused = 0;
        for (var i = 0; i < 3; i++) (await PostAsync(server)).ShouldBe(HttpStatusCode.Accepted, $"POST {i + 1} of the burst of 3");
        using (var over = await server.Http.PostAsync("/events?topic=t", new StringContent("x")))
        {
            over.StatusCode.ShouldBe((HttpStatusCode)429);
            refused++;
            over.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
            (await over.Content.ReadAsStringAsync()).ShouldContain("PostsPerSecondPerAddress");
        }

        await Eventually.TrueAsync(() =>
        {
            var status = PostAsync(server).GetAwaiter().GetResult();
            if (status == (HttpStatusCode)429) refused++;
            return status == HttpStatusCode.Accepted;
        }, "the bucket refilled");

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "post-rate")).ShouldBe(refused, "every 429 is counted");
    }

    [Fact]
    public async Task Without_a_rate_posts_are_not_limited()
    {
        await using var server = await RunningServer.StartAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => PostAsync(server)));

        statuses.ShouldAllBe(s => s == HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Past_its_burst_a_principal_gets_429_naming_it_while_another_principal_from_the_same_address_goes_on()
    {
        await using var server = await RunningServer.StartAsync(
        [
            .. SpecCredentials.ApiKey("sensor-1", SensorOne, "devices"),
            .. SpecCredentials.ApiKey("sensor-2", SensorTwo, "devices"),
            "--Mediation:Security:Rights:devices:Publish:0=#",
            "--Mediation:Security:PostsPerSecondPerPrincipal=1",
            "--Mediation:Security:PostBurstPerPrincipal=2",
        ]);

        for (var i = 0; i < 2; i++) (await StatusAsync(server, SensorOne)).ShouldBe(HttpStatusCode.Accepted, $"POST {i + 1} of sensor-1's burst of 2");
        // A refill may fall between two POSTs: the bucket is empty again within a few more.
        HttpResponseMessage over;
        var tries = 0;
        while ((over = await server.Http.PostAsync("t", SensorOne)).StatusCode != (HttpStatusCode)429 && ++tries < 5) over.Dispose();
        using (over)
        {
            over.StatusCode.ShouldBe((HttpStatusCode)429, "one POST a second, and the burst spent");
            over.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
            var reason = await over.Content.ReadAsStringAsync();
            reason.ShouldContain("'sensor-1'");
            reason.ShouldContain("PostsPerSecondPerPrincipal");
            reason.ShouldNotContain(SensorOne);
        }
        (await StatusAsync(server, SensorTwo)).ShouldBe(HttpStatusCode.Accepted, "sensor-2 has a bucket of its own, though it posts from the same address");

        var metrics = ExpositionChecker.Check(await server.Http.GetStringAsync("/metrics"));
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "post-rate-per-principal")).ShouldBe(1);
        metrics.Value("rx_mediation_requests_refused_total", ("reason", "post-rate")).ShouldBe(0, "no address rate was set");
    }

    [Fact]
    public async Task A_negative_rate_per_principal_stops_the_start_naming_the_setting()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(["--Mediation:Security:PostsPerSecondPerPrincipal=-1"]));

        error.Message.ShouldContain("Mediation:Security:PostsPerSecondPerPrincipal must not be negative");
    }

    [Fact]
    public async Task A_negative_rate_stops_the_start_naming_the_setting()
    {
        var error = await Should.ThrowAsync<SettingsException>(() => RunningServer.StartAsync(["--Mediation:Security:PostsPerSecondPerAddress=-1"]));

        error.Message.ShouldContain("Mediation:Security:PostsPerSecondPerAddress must not be negative");
    }

    private const string SensorOne = "sensor-one-key-5d1e9b7a3c";
    private const string SensorTwo = "sensor-two-key-8f2a6c4e0b";

    private static async Task<HttpStatusCode> StatusAsync(RunningServer server, string key)
    {
        using var answer = await server.Http.PostAsync("t", key);
        return answer.StatusCode;
    }

    private static async Task<HttpStatusCode> PostAsync(RunningServer server)
    {
        using var answer = await server.Http.PostAsync("/events?topic=t", new StringContent("x"));
        return answer.StatusCode;
    }
}
